// Which named connection reaches a source or destination. A mapping names its connection; an ARN or
// URI in a destination does not, so it uses the connection named after its type ("sqs", "kafka",
// "redis"...) or, failing that, the only connection of that type (README: compatibility notes).
import type { CompiledConfig } from '../config/compile.js';
import type { Connection } from '../config/schema.js';
import { CONNECTION_TYPE, sourceKindOf } from '../config/source-kind.js';
import { SluiceError } from '../ports/errors.js';

export function connectionForType(config: CompiledConfig, type: Connection['type']): Connection | undefined {
  const named = config.connections[type];
  if (named?.type === type) return named;
  const all = Object.values(config.connections).filter((c) => c.type === type);
  if (all.length > 1)
    throw new SluiceError(
      'AmbiguousConnection',
      `several connections of type ${type}: name one "${type}" to be used for destinations`,
    );
  return all[0];
}

/** The connection type an address needs, from the same address rules the config compiler uses. */
export function connectionTypeOf(address: string): Connection['type'] | undefined {
  const kind = sourceKindOf(address, false);
  return kind === undefined ? undefined : CONNECTION_TYPE[kind];
}
