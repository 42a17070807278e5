// FN-32: ListFunctionEventInvokeConfigs `GET /2019-09-25/functions/{name}/event-invoke-config/list`. sluice keeps
// only $LATEST, so a function has at most one config and one page.
import type { ExtraRoute } from '../server.js';
import { toResponse, type EventInvokeConfig } from './event-invoke-config.js';
import {
  apiRoute,
  functionNotFound,
  latestOnly,
  maxItemsOf,
  resolveFunctionRef,
  type AccountScope,
} from './function-ref.js';

export interface EventInvokeConfigListDeps extends AccountScope {
  functions: {
    get(name: string): { arn: string } | undefined;
    eventInvokeConfig(name: string): EventInvokeConfig | undefined;
  };
}

const LIST = /^\/2019-09-25\/functions\/([^/]+)\/event-invoke-config\/list\/?$/;

export function eventInvokeConfigListRoutes(deps: EventInvokeConfigListDeps): ExtraRoute[] {
  return [
    apiRoute('GET', LIST, (m, query) => {
      const ref = resolveFunctionRef(deps, m[1] ?? '');
      latestOnly(ref);
      maxItemsOf(query, 50, 50);
      const fn = deps.functions.get(ref.name);
      if (fn === undefined) throw functionNotFound(ref.arn);
      const cfg = deps.functions.eventInvokeConfig(ref.name);
      return Promise.resolve({
        status: 200,
        body: { FunctionEventInvokeConfigs: cfg === undefined ? [] : [toResponse(fn.arn, cfg)] },
      });
    }),
  ];
}
