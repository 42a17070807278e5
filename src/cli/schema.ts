import { configJsonSchema } from '../config/json-schema.js';
import { EXIT } from './help.js';
import type { CliIo } from './io.js';

export function runSchema(io: CliIo): number {
  io.stdout(configJsonSchema());
  return EXIT.ok;
}
