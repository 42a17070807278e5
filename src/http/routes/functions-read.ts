// The read side of the Function API (FN-19..21, FN-30): GetFunction, GetFunctionConfiguration, ListFunctions and
// GetAccountSettings. The app provides the functions (config file, and API-created ones) and renders each
// FunctionConfiguration (src/app/function-view.ts); these routes parse names, page and answer.
import type { ExtraRoute } from '../server.js';
import {
  apiRoute,
  functionNotFound,
  invalidParameter,
  latestOnly,
  maxItemsOf,
  resolveFunctionRef,
  type AccountScope,
} from './function-ref.js';

export interface FunctionReadDeps extends AccountScope {
  /** Every function's name. */
  names(): string[];
  /** Its FunctionConfiguration (FN-14), undefined when there is no such function. */
  configuration(name: string): Promise<Record<string, unknown> | undefined>;
  /** The same without State* and LastUpdateStatus* (FN-21). */
  listEntry(configuration: Record<string, unknown>): Record<string, unknown>;
  /** GetFunction's `Code` (FN-19). */
  code(name: string): Promise<Record<string, unknown>>;
  reservedConcurrency(name: string): number | undefined;
  /** The function's tags (empty: GetFunction leaves `Tags` out, OPEN-3). */
  tags(arn: string): Promise<Record<string, string>>;
  /** FN-30 figures. */
  account(): Promise<{ concurrentExecutions: number; unreserved: number; totalCodeSize: number }>;
}

const ONE = /^\/2015-03-31\/functions\/([^/]+)\/?$/;
const CONFIGURATION = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/;
const LIST = /^\/2015-03-31\/functions\/?$/;
const ACCOUNT = /^\/2016-08-19\/account-settings\/?$/;
/** FN-21: at most 50 per page whatever MaxItems says. */
const PAGE = 50;

export function functionReadRoutes(deps: FunctionReadDeps): ExtraRoute[] {
  const configuration = async (raw: string, query: URLSearchParams) => {
    const ref = resolveFunctionRef(deps, raw, query);
    latestOnly(ref);
    const view = await deps.configuration(ref.name);
    if (view === undefined)
      throw functionNotFound(ref.qualifier === undefined ? ref.arn : `${ref.arn}:${ref.qualifier}`);
    return { ref, view };
  };

  return [
    apiRoute('GET', CONFIGURATION, async (m, query) => ({
      status: 200,
      body: (await configuration(m[1] ?? '', query)).view,
    })),
    apiRoute('GET', ONE, async (m, query) => {
      const { ref, view } = await configuration(m[1] ?? '', query);
      const tags = await deps.tags(ref.arn);
      const reserved = deps.reservedConcurrency(ref.name);
      return {
        status: 200,
        body: {
          Configuration: view,
          Code: await deps.code(ref.name),
          ...(Object.keys(tags).length === 0 ? {} : { Tags: tags }),
          ...(reserved === undefined ? {} : { Concurrency: { ReservedConcurrentExecutions: reserved } }),
        },
      };
    }),
    apiRoute('GET', LIST, async (_m, query) => {
      // Only $LATEST exists, so FunctionVersion=ALL lists the same. The marker is the name to start from, so a
      // function created or deleted between pages neither repeats nor hides another.
      const version = query.get('FunctionVersion');
      if (version !== null && version !== 'ALL') throw invalidParameter('FunctionVersion must be ALL');
      const n = Math.min(PAGE, maxItemsOf(query, 10_000, PAGE));
      const marker = query.get('Marker') ?? '';
      const names = deps
        .names()
        .filter((x) => x >= marker)
        .sort();
      const views = await Promise.all(names.slice(0, n).map((x) => deps.configuration(x)));
      const page = views.filter((v) => v !== undefined).map((v) => deps.listEntry(v));
      const next = names[n];
      return { status: 200, body: { Functions: page, ...(next === undefined ? {} : { NextMarker: next }) } };
    }),
    apiRoute('GET', ACCOUNT, async () => {
      const a = await deps.account();
      return {
        status: 200,
        body: {
          AccountLimit: {
            TotalCodeSize: 80_530_636_800,
            CodeSizeUnzipped: 262_144_000,
            CodeSizeZipped: 52_428_800,
            ConcurrentExecutions: a.concurrentExecutions,
            UnreservedConcurrentExecutions: a.unreserved,
          },
          AccountUsage: { TotalCodeSize: a.totalCodeSize, FunctionCount: deps.names().length },
        },
      };
    }),
  ];
}
