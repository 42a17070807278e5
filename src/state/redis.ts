// Redis-backed checkpoints and shard leases, so several sluice processes can share Kinesis/DynamoDB shards
// (KCL-style: a lease per shard with a TTL, renewed by its owner, taken over once it expires).
// Keys: <prefix>:checkpoints:<mapping> (hash shard → position), <prefix>:finished:<mapping> (hash shard → 1),
// <prefix>:lease:<lease key> (string owner, PX ttl), <prefix>:tags:<resource ARN> (hash key → value), <prefix>:mappings
// (API-created mappings, redis-mappings.ts), notes (redis-notes.ts). Compare-and-set steps run as small Lua scripts.
import { Redis } from 'ioredis';
import { quitWithin } from '../ports/quit.js';
import type { CheckpointStore, LeaseStore, StateStore, TagStore } from '../ports/state.js';
import { RedisMappingStore } from './redis-mappings.js';
import { RedisNoteStore, scanValues } from './redis-notes.js';

/** Take the lease if it is free (missing or expired) or already ours (then extend it). */
const ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if v == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if v == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * Every state-store command gives up after this long: a Redis that stops answering (SIGSTOP, a partition that
 * keeps the TCP connection open) then turns into errors (Invoke answers 5xx, /readyz 503) instead of hangs.
 */
export const STATE_COMMAND_TIMEOUT_MS = 5_000;

export interface RedisStateStoreOptions {
  /** redis:// URL; ignored when `client` is given. */
  url?: string;
  /** A client to use; the store does not close it. */
  client?: Redis;
  /** Namespace of every key (default "sluice"). */
  keyPrefix?: string;
  /** Default STATE_COMMAND_TIMEOUT_MS. */
  commandTimeoutMs?: number;
}

export class RedisCheckpointStore implements CheckpointStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(mappingId: string, shardId: string): Promise<string | undefined> {
    return (await this.redis.hget(`${this.prefix}:checkpoints:${mappingId}`, shardId)) ?? undefined;
  }

  async set(mappingId: string, shardId: string, position: string): Promise<void> {
    await this.redis.hset(`${this.prefix}:checkpoints:${mappingId}`, shardId, position);
  }

  async markFinished(mappingId: string, shardId: string): Promise<void> {
    await this.redis.hset(`${this.prefix}:finished:${mappingId}`, shardId, '1');
  }

  async isFinished(mappingId: string, shardId: string): Promise<boolean> {
    return (await this.redis.hexists(`${this.prefix}:finished:${mappingId}`, shardId)) === 1;
  }
}

export class RedisLeaseStore implements LeaseStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(leaseKey: string): string {
    return `${this.prefix}:lease:${leaseKey}`;
  }

  async acquire(leaseKey: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(ACQUIRE, 1, this.key(leaseKey), owner, ttl(ttlMs))) === 1;
  }

  async renew(leaseKey: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.key(leaseKey), owner, ttl(ttlMs))) === 1;
  }

  async release(leaseKey: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(leaseKey), owner);
  }

  /** Live leases whose key starts with `prefix`, as lease key → owner (SCAN, so it never blocks Redis). */
  owners(prefix: string): Promise<Map<string, string>> {
    return scanValues(this.redis, this.key(''), prefix);
  }
}

export class RedisTagStore implements TagStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(arn: string): Promise<Record<string, string>> {
    return this.redis.hgetall(`${this.prefix}:tags:${arn}`);
  }

  async add(arn: string, tags: Record<string, string>): Promise<void> {
    if (Object.keys(tags).length > 0) await this.redis.hset(`${this.prefix}:tags:${arn}`, tags);
  }

  async remove(arn: string, keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.redis.hdel(`${this.prefix}:tags:${arn}`, ...keys);
  }

  async drop(arn: string): Promise<void> {
    await this.redis.del(`${this.prefix}:tags:${arn}`);
  }
}

export class RedisStateStore implements StateStore {
  readonly checkpoints: RedisCheckpointStore;
  readonly leases: RedisLeaseStore;
  readonly mappings: RedisMappingStore;
  readonly tags: RedisTagStore;
  readonly notes: RedisNoteStore;
  private readonly redis: Redis;
  private readonly owned: boolean;

  constructor(options: RedisStateStoreOptions) {
    this.owned = options.client === undefined;
    this.redis =
      options.client ??
      new Redis(options.url ?? 'redis://127.0.0.1:6379', {
        protocol: 2,
        commandTimeout: options.commandTimeoutMs ?? STATE_COMMAND_TIMEOUT_MS,
      });
    // Reconnect errors repeat while Redis is down; failing commands report them (and /readyz shows it).
    if (this.owned) this.redis.on('error', () => undefined);
    const prefix = options.keyPrefix ?? 'sluice';
    this.checkpoints = new RedisCheckpointStore(this.redis, prefix);
    this.leases = new RedisLeaseStore(this.redis, prefix);
    this.mappings = new RedisMappingStore(this.redis, prefix);
    this.tags = new RedisTagStore(this.redis, prefix);
    this.notes = new RedisNoteStore(this.redis, prefix);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    if (this.owned) await quitWithin(this.redis);
  }
}

function ttl(ms: number): string {
  return String(Math.max(1, Math.ceil(ms)));
}
