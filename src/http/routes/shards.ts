// Operator controls of stream shards (#21): `GET /sluice/mappings/{uuid}/shards` shows every shard (owner, position,
// lanes, failing batch, windows); `POST .../shards/{shardId}/{skip|park|seek|pause|resume}` (and `POST .../shards/{pause|resume}`
// for the whole mapping) answers 202 with a command id, carried out by the shard's owner; `GET .../shards/commands/
// {id}` shows its result. Writes pass server auth and server.api.readOnly like every other write.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CommandState, OwnedShardView, WireCommand } from '../../app/shard-control.js';
import { LambdaApiError } from '../../ports/errors.js';
import { readBody, sendError, sendJson } from '../respond.js';
import type { ExtraRoute } from '../server.js';
import { asApiError } from './invoke.js';

const LIST = /^\/sluice\/mappings\/([^/]+)\/shards\/?$/;
const SHARD_ACTION = /^\/sluice\/mappings\/([^/]+)\/shards\/([^/]+)\/(skip|park|seek|pause|resume)$/;
const MAPPING_ACTION = /^\/sluice\/mappings\/([^/]+)\/shards\/(pause|resume)$/;
const RESULT = /^\/sluice\/mappings\/([^/]+)\/shards\/commands\/([^/]+)$/;

export interface ShardRouteDeps {
  /** Whether the mapping exists (enabled stream mapping of the config). */
  known(uuid: string): boolean;
  inspect(uuid: string): Promise<OwnedShardView[]>;
  send(uuid: string, shardId: string | undefined, cmd: WireCommand): Promise<CommandState | undefined>;
  /** Why a park destination cannot be used (not a configured destination/connection); undefined when it can. */
  destinationProblem(address: string): string | undefined;
  result(uuid: string, id: string): Promise<CommandState | undefined>;
}

function notFound(what: string): LambdaApiError {
  return new LambdaApiError('ResourceNotFoundException', 404, what);
}

/** Who asked: the body's `by`, else the SigV4 access key id, else the bearer scheme (never the token itself). */
export function caller(req: IncomingMessage, body: Record<string, unknown>): string {
  if (typeof body.by === 'string' && body.by !== '') return body.by.slice(0, 200);
  const auth = req.headers.authorization ?? '';
  const key = /Credential=([^/,\s]+)\//.exec(auth)?.[1];
  if (key !== undefined) return `access-key:${key}`;
  return auth.startsWith('Bearer ') ? 'bearer-token' : 'anonymous';
}

export async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await readBody(req, 64 * 1024)).toString('utf8').trim();
  if (raw === '') return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new LambdaApiError('InvalidRequestContentException', 400, 'the body must be a JSON object');
}

/** `{"position": "…"}` (resume after it) or `{"timestamp": ISO-8601 or epoch ms}`. */
function seekTarget(body: Record<string, unknown>): { position: string } | { timestampMs: number } {
  if (typeof body.position === 'string' && body.position !== '') return { position: body.position };
  const t = body.timestamp;
  const ms = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : NaN;
  if (Number.isFinite(ms)) return { timestampMs: ms };
  throw new LambdaApiError('InvalidParameterValueException', 400, 'seek needs "position" or "timestamp"');
}

export function shardRoutes(deps: ShardRouteDeps): ExtraRoute[] {
  const handle =
    (body: (req: IncomingMessage, m: RegExpExecArray) => Promise<[number, unknown]>) =>
    async (req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> => {
      const requestId = randomUUID();
      try {
        const uuid = decodeURIComponent(m[1] ?? '');
        if (!deps.known(uuid)) throw notFound(`no stream mapping ${uuid}`);
        const [status, out] = await body(req, m);
        sendJson(res, status, out, { 'x-amzn-RequestId': requestId });
      } catch (err) {
        req.resume();
        sendError(res, asApiError(err), requestId);
      }
    };

  const command = async (req: IncomingMessage, uuid: string, shardId: string | undefined, action: string) => {
    const body = await jsonBody(req);
    const note = { by: caller(req, body), at: new Date().toISOString() };
    let cmd: WireCommand;
    if (action === 'park') {
      const destination = body.destination;
      const problem =
        typeof destination === 'string' ? deps.destinationProblem(destination) : 'is missing (give "destination")';
      if (problem !== undefined || typeof destination !== 'string')
        throw new LambdaApiError('InvalidParameterValueException', 400, `park destination ${problem ?? ''}`);
      cmd = { action: 'park', note, destination };
    } else if (action === 'seek') cmd = { action: 'seek', note, to: seekTarget(body), force: body.force === true };
    else if (action === 'skip') cmd = { action: 'skip', note };
    else cmd = { action: action === 'pause' ? 'pause' : 'resume' };
    const state = await deps.send(uuid, shardId, cmd);
    if (state === undefined) throw notFound(`shard ${shardId ?? ''} of ${uuid} does not run in this process`);
    return [202, state] as [number, unknown];
  };

  return [
    {
      method: 'GET',
      pattern: LIST,
      handle: handle(async (req, m) => {
        req.resume();
        const uuid = decodeURIComponent(m[1] ?? '');
        return [200, { mapping: uuid, shards: await deps.inspect(uuid) }];
      }),
    },
    {
      method: 'GET',
      pattern: RESULT,
      handle: handle(async (req, m) => {
        req.resume();
        const state = await deps.result(decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''));
        if (state === undefined) throw notFound('no such command (results are kept for 10 minutes)');
        return [200, state];
      }),
    },
    {
      method: 'POST',
      pattern: MAPPING_ACTION,
      handle: handle((req, m) => command(req, decodeURIComponent(m[1] ?? ''), undefined, m[2] ?? '')),
    },
    {
      method: 'POST',
      pattern: SHARD_ACTION,
      handle: handle((req, m) =>
        command(req, decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''), m[3] ?? ''),
      ),
    },
  ];
}
