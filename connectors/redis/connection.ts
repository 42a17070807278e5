// The settings of a redis connection: the config's schema and what the connector reads are this one schema.
import { z } from 'zod';
import { MAX_TIMER_MS } from '../../src/ports/clock.js';
import { parseConnection } from '../../src/ports/connector.js';

const ms = (description: string) => z.number().int().min(0).max(MAX_TIMER_MS).optional().describe(description);

export const redisConnectionSchema = z.object({
  url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  consumerName: z
    .string()
    .min(1)
    .optional()
    .describe('Redis Streams consumer name of this process (default sluice-<hostname>-<pid>).'),
  partitionKeyField: z
    .string()
    .min(1)
    .optional()
    .describe('Entry field used as the partition key (lanes with ParallelizationFactor > 1).'),
  blockMs: ms('XREADGROUP BLOCK time of an idle stream.'),
  claimIdleMs: ms("Idle time after which a dead consumer's pending entries are taken over (XAUTOCLAIM)."),
  claimIntervalMs: ms('How often pending entries of dead consumers are looked for.'),
});
export type RedisConnection = z.output<typeof redisConnectionSchema>;

/** The connection as the connector reads it; throws with every problem. */
export function redisConnection(c: Record<string, unknown>): RedisConnection {
  return parseConnection(redisConnectionSchema, 'Redis', c);
}
