// The Redis Streams connector: streams addressed as redis://<stream-key>; a named connection
// { url, consumerName?, partitionKeyField?, blockMs?, claimIdleMs?, claimIntervalMs? } gives the server.
// One shard per stream key; ownership and positions live in a Redis consumer group (consumerGroupId, default
// `sluice-<mappingId>`), acknowledged through the source's own CheckpointStore (`source.checkpoints`).
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { ConnectorDefinition } from '../../src/ports/connector.js';
import type { CheckpointStore } from '../../src/ports/state.js';
import { RedisStreamDestination } from './destination.js';
import { RedisStreamSource } from './source.js';

export { RedisStreamSource, type RedisSourceOptions } from './source.js';
export { RedisStreamDestination } from './destination.js';
export { buildRedisEvent, toRedisRecord, type RedisStreamRecord } from './event.js';

const ADDRESS = /^redis:\/\/(\S+)$/;
const NUMBERS = ['blockMs', 'claimIdleMs', 'claimIntervalMs'] as const;

export function redisStreamKeyOf(address: string): string {
  const key = ADDRESS.exec(address)?.[1];
  if (key === undefined) throw new Error(`not a Redis stream address (redis://<stream-key>): ${address}`);
  return key;
}

/** The CheckpointStore a Redis stream mapping must use (the same object as `source.checkpoints`). */
export function redisStreamCheckpoints(source: RedisStreamSource): CheckpointStore {
  return source.checkpoints;
}

export function validateRedisConnection(c: Record<string, unknown>): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  if (typeof c.url !== 'string' || !/^rediss?:\/\//.test(c.url))
    problems.push(['url', 'must be a redis:// or rediss:// URL']);
  for (const k of ['consumerName', 'partitionKeyField'] as const)
    if (c[k] !== undefined && (typeof c[k] !== 'string' || c[k] === ''))
      problems.push([k, 'must be a non-empty string']);
  for (const k of NUMBERS)
    if (c[k] !== undefined && (typeof c[k] !== 'number' || !(c[k] >= 0))) problems.push([k, 'must be a number >= 0']);
  return problems;
}

function connect(c: Record<string, unknown>): Redis {
  const problems = validateRedisConnection(c);
  if (problems.length > 0)
    throw new Error(`invalid Redis connection: ${problems.map(([p, m]) => `${p} ${m}`).join('; ')}`);
  return new Redis(c.url as string, { protocol: 2, maxRetriesPerRequest: null });
}

function num(c: Record<string, unknown>, k: (typeof NUMBERS)[number]): number | undefined {
  return typeof c[k] === 'number' ? c[k] : undefined;
}

export const redisStreamsConnector: ConnectorDefinition = {
  kind: 'redis-streams',
  matches: (address) => ADDRESS.test(address),
  validateConnection: validateRedisConnection,
  createStreamSource: (address, options, ctx) => {
    const c = ctx.connection;
    const streamKey = redisStreamKeyOf(address);
    return new RedisStreamSource(
      connect(c),
      connect(c),
      {
        streamKey,
        group: options.consumerGroupId ?? `sluice-${options.mappingId}`,
        // Stable across restarts of the same host, so a restarted process re-reads its own pending entries.
        consumer: typeof c.consumerName === 'string' ? c.consumerName : `sluice-${hostname()}`,
        region: ctx.region,
        startingPosition: options.startingPosition,
        partitionKeyField: typeof c.partitionKeyField === 'string' ? c.partitionKeyField : undefined,
        blockMs: num(c, 'blockMs'),
        claimIdleMs: num(c, 'claimIdleMs'),
        claimIntervalMs: num(c, 'claimIntervalMs'),
      },
      ctx.logger.child({ source: 'redis-streams', streamKey }),
    );
  },
  createDestination: (address, ctx) => new RedisStreamDestination(connect(ctx.connection), redisStreamKeyOf(address)),
};
