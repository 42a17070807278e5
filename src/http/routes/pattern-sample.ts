// `GET /sluice/mappings/{uuid}/test-pattern?sample=N[&criteria=<FilterCriteria JSON>]` (#21 item 4): the mapping's
// N most recent records, read without moving anything, each with whether the current FilterCriteria and the
// proposed one match. A read, so server.api.readOnly allows it; auth as every route.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PatternSample } from '../../app/pattern-sample.js';
import type { FilterCriteria } from '../../core/filter/index.js';
import { LambdaApiError } from '../../ports/errors.js';
import { sendError, sendJson } from '../respond.js';
import type { ExtraRoute } from '../server.js';
import { asApiError } from './invoke.js';

const SAMPLE = /^\/sluice\/mappings\/([^/]+)\/test-pattern$/;

export interface PatternSampleDeps {
  /** undefined: no such mapping. */
  sample(uuid: string, request: { sample: number; proposed?: FilterCriteria }): Promise<PatternSample> | undefined;
  maxSample: number;
}

function bad(message: string): LambdaApiError {
  return new LambdaApiError('InvalidParameterValueException', 400, message);
}

function proposedOf(query: URLSearchParams): FilterCriteria | undefined {
  const raw = query.get('criteria');
  if (raw === null) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw bad('criteria must be a FilterCriteria JSON object: {"Filters":[{"Pattern":"..."}]}');
  }
  if (typeof v !== 'object' || v === null || !Array.isArray((v as { Filters?: unknown }).Filters))
    throw bad('criteria must be a FilterCriteria JSON object: {"Filters":[{"Pattern":"..."}]}');
  return v;
}

export function patternSampleRoutes(deps: PatternSampleDeps): ExtraRoute[] {
  return [
    {
      method: 'GET',
      pattern: SAMPLE,
      handle: async (req: IncomingMessage, res: ServerResponse, m: RegExpExecArray, query: URLSearchParams) => {
        req.resume();
        const requestId = randomUUID();
        try {
          const sample = Number(query.get('sample') ?? '10');
          if (!Number.isInteger(sample) || sample < 1 || sample > deps.maxSample)
            throw bad(`sample must be an integer from 1 to ${deps.maxSample}`);
          const proposed = proposedOf(query);
          const uuid = decodeURIComponent(m[1] ?? '');
          const answer = deps.sample(uuid, { sample, ...(proposed && { proposed }) });
          if (answer === undefined)
            throw new LambdaApiError('ResourceNotFoundException', 404, `no event source mapping ${uuid}`);
          sendJson(res, 200, await answer, { 'x-amzn-RequestId': requestId });
        } catch (err) {
          sendError(res, asApiError(err), requestId);
        }
      },
    },
  ];
}
