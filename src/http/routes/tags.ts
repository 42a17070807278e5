// FN-31: ListTags, TagResource and UntagResource on `/2017-03-31/tags/{ARN}` for unqualified function ARNs and
// event-source-mapping ARNs (versions and aliases are not taggable). The tags live in the state store.
import { LambdaApiError } from '../../ports/errors.js';
import type { TagStore } from '../../ports/state.js';
import type { ExtraRoute } from '../server.js';
import { apiRoute, functionNotFound, invalidParameter, type AccountScope } from './function-ref.js';

export interface TagDeps extends AccountScope {
  functionExists(name: string): boolean;
  mappingExists(uuid: string): boolean;
  tags: TagStore;
}

const ROUTE = /^\/2017-03-31\/tags\/([^/]+)\/?$/;
const RESOURCE = /^arn:aws[\w-]*:lambda:([a-z0-9-]+):(\d{12}):(function|event-source-mapping):([^:]+)(:.*)?$/;
const MAX_TAGS = 50;

/** The ARN, once it names a taggable resource of this account and region that exists. */
function resource(deps: TagDeps, raw: string): string {
  let arn: string;
  try {
    arn = decodeURIComponent(raw);
  } catch {
    throw invalidParameter('Resource: malformed %-encoding');
  }
  const m = RESOURCE.exec(arn);
  if (m === null) throw invalidParameter(`Invalid resource ARN for tagging: ${arn}`);
  const [, region, account, kind, id = '', qualifier] = m;
  if (qualifier !== undefined) throw invalidParameter(`Tags are not supported on versions or aliases: ${arn}`);
  const missing =
    region !== deps.region ||
    account !== deps.accountId ||
    (kind === 'function' ? !deps.functionExists(id) : !deps.mappingExists(id));
  if (missing)
    throw kind === 'function'
      ? functionNotFound(arn)
      : new LambdaApiError('ResourceNotFoundException', 404, 'The resource you requested does not exist.');
  return arn;
}

export function checkTags(given: unknown, current: Record<string, string>): Record<string, string> {
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw invalidParameter('Tags must be a map of strings');
  const tags = given as Record<string, unknown>;
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128) throw invalidParameter(`Tag key ${JSON.stringify(k)} must be 1-128 characters`);
    if (k.toLowerCase().startsWith('aws:'))
      throw invalidParameter(`Tag key ${JSON.stringify(k)}: the aws: prefix is reserved`);
    if (typeof v !== 'string' || v.length > 256)
      throw invalidParameter(`Tag value of ${JSON.stringify(k)} must be a string of 0-256 characters`);
  }
  const merged = { ...current, ...(tags as Record<string, string>) };
  if (Object.keys(merged).length > MAX_TAGS) throw invalidParameter(`A resource can have at most ${MAX_TAGS} tags`);
  return tags as Record<string, string>;
}

export function tagRoutes(deps: TagDeps): ExtraRoute[] {
  return [
    apiRoute('GET', ROUTE, async (m) => ({
      status: 200,
      body: { Tags: await deps.tags.get(resource(deps, m[1] ?? '')) },
    })),
    apiRoute('POST', ROUTE, async (m, _q, body) => {
      const arn = resource(deps, m[1] ?? '');
      const given = (await body()).Tags;
      await deps.tags.add(arn, checkTags(given, await deps.tags.get(arn)));
      return { status: 204 };
    }),
    apiRoute('DELETE', ROUTE, async (m, query) => {
      const arn = resource(deps, m[1] ?? '');
      await deps.tags.remove(arn, query.getAll('tagKeys'));
      return { status: 204 };
    }),
  ];
}
