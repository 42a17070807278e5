// Destinations set over the API (PutFunctionEventInvokeConfig) must resolve to something the operator
// configured: a caller of the API must not be able to point sluice's connections (and their credentials)
// at targets of its choosing, nor at sluice's own state keys or a broker's internal addresses (its connector says).
import type { CompiledConfig } from '../config/compile.js';
import { httpConnectionFor } from '../config/http-targets.js';
import {
  apiDestinationRefusal,
  connectionTypeOf,
  destinationHints,
  isDestinationAddress,
} from '../config/addresses.js';
import { connectionForType } from './connections.js';

export const ALLOWED_API_DESTINATIONS = [
  'allowed: a configured function (arn:aws:lambda:<region>:<account>:function:<name>)',
  ...destinationHints(),
  "or an http(s) URL under an http connection's baseUrl",
].join(', ');

/** Why `address` may not be set over the API, or undefined when it may. */
export function apiDestinationProblem(config: CompiledConfig, address: string): string | undefined {
  if (!isDestinationAddress(address)) return 'is not a destination address';
  const fn = /^arn:[\w-]+:lambda:([^:]*):([^:]*):function:([^:]+)(?::([^:]+))?$/.exec(address);
  if (fn !== null) {
    const [, region, account, name, qualifier] = fn;
    if (region !== config.region || account !== config.accountId || !config.functions.has(name ?? ''))
      return 'is not a function configured in this sluice';
    return qualifier === undefined || qualifier === '$LATEST' ? undefined : 'has a qualifier other than $LATEST';
  }
  if (/^https?:\/\//.test(address))
    return httpConnectionFor(config.connections, address) === undefined
      ? "is not under the baseUrl of any http connection (a connection's headers go only to its own baseUrl)"
      : undefined;
  if (address.startsWith('memory://')) return undefined;
  const type = connectionTypeOf(address);
  let connection;
  try {
    connection = type === undefined ? undefined : connectionForType(config, type);
  } catch (err) {
    return (err as Error).message;
  }
  if (connection === undefined) return `has no configured ${type ?? ''} connection`;
  return apiDestinationRefusal(address, config.state.keyPrefix);
}
