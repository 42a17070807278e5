import { z } from 'zod';
import { configSchema } from './schema.js';

/** The JSON Schema checked in as config/sluice.schema.json (a test fails when it is stale). */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'sluice configuration' }, null, 2)}\n`;
}
