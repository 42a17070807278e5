// ERR-6 / REC-2: a function whose OnSuccess or OnFailure destination is itself runs in a loop until the recursion
// guard stops the chain after 16 invocations. Legal in Lambda, so a warning, not an error.
import type { Problem } from './problems.js';

interface FunctionDestinations {
  name: string;
  /** Unqualified function ARN. */
  arn: string;
  async: { onSuccess?: string; onFailure?: string };
}

/** Whether a destination address names the function with `arn` (with or without a qualifier). */
const namesFunction = (address: string | undefined, arn: string): boolean =>
  address !== undefined && (address === arn || address.startsWith(`${arn}:`));

export function selfDestinationWarnings(functions: Iterable<FunctionDestinations>): Problem[] {
  const warnings: Problem[] = [];
  for (const f of functions) {
    for (const [key, address] of [
      ['OnSuccess', f.async.onSuccess],
      ['OnFailure', f.async.onFailure],
    ] as const) {
      if (!namesFunction(address, f.arn)) continue;
      warnings.push({
        severity: 'warning',
        path: `functions.${f.name}.EventInvokeConfig.DestinationConfig.${key}.Destination`,
        message: `the function is its own ${key} destination: every event loops until the recursion guard stops it after 16 invocations (ERR-6)`,
      });
    }
  }
  return warnings;
}
