// The Redis Streams connector: streams addressed as redis://<stream-key>; a named connection
// { url, consumerName?, partitionKeyField?, blockMs?, claimIdleMs?, claimIntervalMs? } gives the server.
// redis://a,b lists keys and redis://orders:* matches them (SCAN). One shard per stream key; ownership and positions live in a Redis consumer group (consumerGroupId, default
// `sluice-<mappingId>`, `positions: 'source'`), acknowledged (XACK) through each key reader's commit.
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import {
  STREAM_SOURCE,
  type ConnectorContext,
  type ConnectorDefinition,
  type StreamSourceOptions,
} from '../../src/ports/connector.js';
import { redisConnection, redisConnectionSchema } from './connection.js';
import { RedisStreamDestination } from './destination.js';
import { parseKeySelector, RedisKeysSource } from './keys-source.js';
import { RedisStreamSource } from './source.js';

export { RedisStreamSource, type RedisSourceOptions } from './source.js';
export { RedisStreamDestination } from './destination.js';
export { redisConnection, redisConnectionSchema, type RedisConnection } from './connection.js';
export { RedisKeysSource, parseKeySelector } from './keys-source.js';
export { buildRedisEvent, toRedisRecord, type RedisStreamRecord } from './event.js';

const ADDRESS = /^redis:\/\/(\S+)$/;

/** The one stream key of an address (destinations, single-key mappings); lists and patterns are refused. */
export function redisStreamKeyOf(address: string): string {
  const key = ADDRESS.exec(address)?.[1];
  if (key === undefined) throw new Error(`not a Redis stream address (redis://<stream-key>): ${address}`);
  const { keys, patterns } = parseKeySelector(key);
  if (patterns.length > 0 || keys.length !== 1) throw new Error(`not a single Redis stream key: ${address}`);
  return key;
}

function connect(c: Record<string, unknown>): Redis {
  const redis = new Redis(redisConnection(c).url, { protocol: 2, maxRetriesPerRequest: null });
  // Connection errors repeat on every reconnect attempt while Redis is down; the commands that fail report them.
  redis.on('error', () => undefined);
  return redis;
}

function keySourceOptions(
  key: string,
  options: StreamSourceOptions,
  ctx: ConnectorContext,
): ConstructorParameters<typeof RedisStreamSource>[2] {
  const c = redisConnection(ctx.connection);
  return {
    streamKey: key,
    group: options.consumerGroupId ?? `sluice-${options.mappingId}`,
    // Leased keys have one reader at a time, and sharing one consumer name lets the next owner re-read what the
    // last one held (XREADGROUP … 0) first, in order. Unleased, each process is its own consumer, stable across
    // restarts of the same host so a restarted process re-reads its own pending entries.
    consumer: c.consumerName ?? (options.leased === true ? 'sluice' : `sluice-${hostname()}`),
    region: ctx.region,
    startingPosition: options.startingPosition,
    partitionKeyField: c.partitionKeyField,
    blockMs: c.blockMs,
    claimIdleMs: c.claimIdleMs,
    claimIntervalMs: c.claimIntervalMs,
    leased: options.leased === true,
  };
}

/** The listed keys, then the keys matching each pattern (SCAN). */
async function* streamKeys(redis: Redis, selector: ReturnType<typeof parseKeySelector>): AsyncGenerator<string> {
  yield* selector.keys;
  for (const pattern of selector.patterns) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      yield* keys;
      cursor = next;
    } while (cursor !== '0');
  }
}

/** The consumer groups of a stream key (none when the key is missing or not a stream). */
async function groupsOf(redis: Redis, key: string): Promise<string[]> {
  try {
    const groups = (await redis.xinfo('GROUPS', key)) as unknown[][];
    return groups.map((g) => String(g[g.indexOf('name') + 1]));
  } catch {
    return [];
  }
}

export const redisStreamsConnector: ConnectorDefinition = {
  kind: 'redis',
  matches: (address) => ADDRESS.test(address),
  sourceAt: (address) =>
    ADDRESS.test(address)
      ? {
          ...STREAM_SOURCE,
          defaultConsumerGroup: (mappingId) => `sluice-${mappingId}`,
          pinsLatestStart: false,
        }
      : undefined,
  // One key: a list or a pattern is a source only.
  isDestination: (address) => /^redis:\/\/[^,*?[]+$/.test(address),
  sourceHint: 'redis://<key>[,<key>...] (or a key pattern)',
  destinationHint: 'redis://<stream-key> with a redis connection (not under the state keyPrefix)',
  // The state store's keys are `<prefix>:…` and `{<prefix>:async}…` (src/state).
  apiDestinationProblem: (address, { stateKeyPrefix: prefix }) => {
    const key = /^redis:\/\/(.+)$/.exec(address)?.[1]?.replace(/^\{/, '');
    return key !== undefined && (key === prefix || key.startsWith(`${prefix}:`) || key.startsWith(`${prefix}}`))
      ? `is under sluice's own state key prefix "${prefix}"`
      : undefined;
  },
  connectionSchema: redisConnectionSchema,
  connectionExample: '{"type": "redis", "url": "redis://host:6379"}',
  createStreamSource: (address, options, ctx) => {
    const c = ctx.connection;
    const spec = ADDRESS.exec(address)?.[1] ?? '';
    const selector = parseKeySelector(spec);
    const single = selector.patterns.length === 0 && selector.keys.length === 1 ? selector.keys[0] : undefined;
    const sourceFor = (key: string) =>
      new RedisStreamSource(
        connect(c),
        connect(c),
        keySourceOptions(key, options, ctx),
        ctx.logger.child({ connector: 'redis', streamKey: key }),
      );
    if (single !== undefined) return sourceFor(single);
    if (selector.keys.length + selector.patterns.length === 0) throw new Error(`no stream key in ${address}`);
    return new RedisKeysSource(address, selector, connect(c), sourceFor, options.leased === true);
  },
  findStoredPositions: async (address, _options, groupIds, ctx) => {
    const redis = connect(ctx.connection);
    try {
      const wanted = new Set(groupIds);
      const found = new Set<string>();
      for await (const key of streamKeys(redis, parseKeySelector(ADDRESS.exec(address)?.[1] ?? '')))
        for (const g of await groupsOf(redis, key)) if (wanted.has(g)) found.add(g);
      return groupIds.find((g) => found.has(g));
    } finally {
      redis.disconnect();
    }
  },
  createDestination: (address, ctx) => new RedisStreamDestination(connect(ctx.connection), redisStreamKeyOf(address)),
};
