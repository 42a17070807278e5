// FN-28/FN-29: Put/Get/DeleteFunctionConcurrency. A reservation applies at once to the invoker's pools (CON-2);
// the invoker refuses one that would leave less than the unreserved floor, min(100, account limit) (OPEN-10).
import type { ExtraRoute } from '../server.js';
import { apiRoute, functionNotFound, invalidParameter, resolveFunctionRef, type AccountScope } from './function-ref.js';

export interface ConcurrencyDeps extends AccountScope {
  exists(name: string): boolean;
  reserved(name: string): number | undefined;
  /** Throws InvalidParameterValueException below the floor (FN-29). */
  setReserved(name: string, value: number | undefined): void;
}

const PUT_OR_DELETE = /^\/2017-10-31\/functions\/([^/]+)\/concurrency\/?$/;
const GET = /^\/2019-09-30\/functions\/([^/]+)\/concurrency\/?$/;

export function concurrencyRoutes(deps: ConcurrencyDeps): ExtraRoute[] {
  // Function-wide: a version or alias has no reservation of its own.
  const functionOf = (raw: string): string => {
    const ref = resolveFunctionRef(deps, raw);
    if (ref.qualifier !== undefined)
      throw invalidParameter('ReservedConcurrentExecutions applies to the function, not a qualifier');
    if (!deps.exists(ref.name)) throw functionNotFound(ref.arn);
    return ref.name;
  };
  return [
    apiRoute('PUT', PUT_OR_DELETE, async (m, _q, body) => {
      const name = functionOf(m[1] ?? '');
      const n = (await body()).ReservedConcurrentExecutions;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
        throw invalidParameter('ReservedConcurrentExecutions must be an integer >= 0');
      deps.setReserved(name, n);
      return { status: 200, body: { ReservedConcurrentExecutions: n } };
    }),
    apiRoute('GET', GET, (m) => {
      const reserved = deps.reserved(functionOf(m[1] ?? ''));
      return Promise.resolve({
        status: 200,
        body: reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved },
      });
    }),
    apiRoute('DELETE', PUT_OR_DELETE, (m) => {
      deps.setReserved(functionOf(m[1] ?? ''), undefined);
      return Promise.resolve({ status: 204 });
    }),
  ];
}
