// The settings of a kafka connection: the config's schema and what the connector reads are this one schema.
import { z } from 'zod';
import { MAX_TIMER_MS } from '../../src/ports/clock.js';
import { parseConnection } from '../../src/ports/connector.js';
import { schemaRegistryConnectionSchema } from './schema-registry-config.js';

// Periods that drive a timer: at least 100 ms, so a zero cannot turn them into a busy loop.
const period = (description: string) => z.number().int().min(100).max(MAX_TIMER_MS).optional().describe(description);
const ms = (description: string) => z.number().int().min(0).max(MAX_TIMER_MS).optional().describe(description);
const bytes = (description: string) =>
  z
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1)
    .optional()
    .describe(description);

export const kafkaConnectionSchema = z.object({
  brokers: z
    .array(z.string().regex(/^[^\s:]+:\d+$/, 'must be "host:port"'))
    .min(1)
    .describe('Bootstrap servers, host:port.'),
  clientId: z.string().optional(),
  ssl: z.boolean().optional(),
  // kafkajs's aws and oauthbearer mechanisms need settings (a token provider) that JSON cannot give.
  sasl: z
    .object({
      mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
      username: z.string(),
      password: z.string(),
    })
    .strict()
    .optional(),
  schemaRegistry: schemaRegistryConnectionSchema,
  consumer: z
    .object({
      bufferRecords: ms('Records buffered per partition before the partition is paused (default 20000).'),
      bufferBytes: bytes('Bytes buffered per partition before the partition is paused (default 12 MiB).'),
      maxBytesPerPartition: bytes('kafkajs fetch size per partition (default 1 MiB, at most half of bufferBytes).'),
      maxBytes: bytes('kafkajs fetch response size (default 10 MiB).'),
      readWaitMs: ms('How long an empty read waits for records (default 100).'),
      lagIntervalMs: ms('Period of the OffsetLag gauges, 0 = off (default 30000).'),
      sessionTimeoutMs: ms('Consumer group session timeout (kafkajs default 30000).'),
      heartbeatIntervalMs: ms('Consumer group heartbeat interval (kafkajs default 3000).'),
      maxWaitTimeMs: ms('Fetch long-poll of the consumer (default 100).'),
    })
    .strict()
    .optional()
    .describe('Consumer tuning for Kafka mappings on this connection.'),
  provisionedScaling: z
    .object({
      evaluateMs: period('DA-6: how often a provisioned mapping checks its offset lag to add pollers (default 10000).'),
      idleRemoveMs: period(
        'DA-6: how long without lag before a provisioned mapping removes one poller (default 60000).',
      ),
    })
    .strict()
    .optional()
    .describe('Scaling rates of provisioned-mode Kafka mappings on this connection (PRV-10, DA-6).'),
});
export type KafkaConnection = z.output<typeof kafkaConnectionSchema>;

/** KAFKA_BOOTSTRAP_SERVERS may come as one comma-separated string or as a list; sluice takes either. */
function brokerList(raw: unknown): unknown {
  if (typeof raw === 'string') raw = [raw];
  if (!Array.isArray(raw)) return raw;
  return raw.flatMap((b: unknown) => (typeof b === 'string' ? b.split(',').map((s) => s.trim()) : [b]));
}

/** The connection as the connector reads it; throws with every problem. */
export function kafkaConnection(c: Record<string, unknown>): KafkaConnection {
  return parseConnection(kafkaConnectionSchema, 'Kafka', { ...c, brokers: brokerList(c.brokers) });
}
