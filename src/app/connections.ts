// Which named connection reaches a destination: an ARN or URI names none, so the rule of
// src/config/default-connection.ts applies (the same one as for sources).
import type { CompiledConfig } from '../config/compile.js';
import type { Connection } from '../config/schema.js';
import { defaultConnection } from '../config/default-connection.js';
import { SluiceError } from '../ports/errors.js';

export function connectionForType(config: CompiledConfig, type: string): Connection | undefined {
  const d = defaultConnection(config.connections, type);
  if (!('problem' in d)) return d.connection;
  if (d.problem === 'several') throw new SluiceError('AmbiguousConnection', d.message);
  return undefined;
}
