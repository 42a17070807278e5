// API-created functions in Redis, shared by every instance on the same state and kept across restarts.
// Keys: {<prefix>:functions} (hash name → JSON StoredFunction), {<prefix>:functions}:version (counter bumped by
// every write, which instances poll; one hash slot with the hash), <prefix>:function-code:<name>:<sha256> (the zip, at most 50 MB).
import { Redis } from 'ioredis';
import type { FunctionStore, StoredFunction } from '../ports/function-store.js';
import { quitWithin } from '../ports/quit.js';
import { STATE_COMMAND_TIMEOUT_MS } from './redis.js';

/** Compare-and-set on the stored RevisionId ('' = only when absent), then bump the version. */
const PUT = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[3] == '' then
  if cur then return 0 end
else
  if not cur then return 0 end
  if cjson.decode(cur)['shown']['RevisionId'] ~= ARGV[3] then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCR', KEYS[2])
return 1`;

/** Stores a package and keeps the byte counter right when it replaces one. */
const PUT_CODE = `
local old = redis.call('STRLEN', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('INCRBY', KEYS[2], string.len(ARGV[1]) - old)
return 1`;

const DELETE_CODE = `
local old = redis.call('STRLEN', KEYS[1])
redis.call('DEL', KEYS[1])
if old > 0 then redis.call('DECRBY', KEYS[2], old) end
return old`;

export class RedisFunctionStore implements FunctionStore {
  private readonly redis: Redis;
  private readonly hash: string;
  private readonly counter: string;
  /** Bytes of every stored package (one counter; code keys live in other slots, so no cluster support here). */
  private readonly bytes: string;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    // Its own connection: zip bodies of tens of MB must not queue in front of checkpoint and lease commands.
    // lazyConnect: a store opened and closed without use never connects.
    this.redis = new Redis(url, { protocol: 2, lazyConnect: true, commandTimeout: STATE_COMMAND_TIMEOUT_MS * 6 });
    this.redis.on('error', () => undefined);
    this.hash = `{${prefix}:functions}`;
    this.counter = `{${prefix}:functions}:version`;
    this.bytes = `${prefix}:function-code-bytes`;
  }

  private codeKey(name: string, sha256: string): string {
    return `${this.prefix}:function-code:${name}:${sha256}`;
  }

  async version(): Promise<string> {
    return (await this.redis.get(this.counter)) ?? '0';
  }

  async list(): Promise<StoredFunction[]> {
    const all = await this.redis.hvals(this.hash);
    return all.map((s) => JSON.parse(s) as StoredFunction);
  }

  async get(name: string): Promise<StoredFunction | undefined> {
    const s = await this.redis.hget(this.hash, name);
    return s === null ? undefined : (JSON.parse(s) as StoredFunction);
  }

  async put(fn: StoredFunction, expected: string | undefined): Promise<boolean> {
    const name = fn.shown.FunctionName;
    const done = await this.redis.eval(PUT, 2, this.hash, this.counter, name, JSON.stringify(fn), expected ?? '');
    return done === 1;
  }

  async delete(name: string): Promise<boolean> {
    const codes: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${globEscape(this.codeKey(name, ''))}*`);
      cursor = next;
      codes.push(...batch);
    } while (cursor !== '0');
    const removed = await this.redis.hdel(this.hash, name);
    for (const key of codes) await this.redis.eval(DELETE_CODE, 2, key, this.bytes);
    if (removed > 0) await this.redis.incr(this.counter);
    return removed > 0;
  }

  async putCode(name: string, sha256: string, zip: Buffer): Promise<void> {
    await this.redis.eval(PUT_CODE, 2, this.codeKey(name, sha256), this.bytes, zip);
  }

  async getCode(name: string, sha256: string): Promise<Buffer | undefined> {
    return (await this.redis.getBuffer(this.codeKey(name, sha256))) ?? undefined;
  }

  async deleteCode(name: string, sha256: string): Promise<void> {
    await this.redis.eval(DELETE_CODE, 2, this.codeKey(name, sha256), this.bytes);
  }

  async codeBytes(): Promise<number> {
    return Number((await this.redis.get(this.bytes)) ?? 0);
  }

  async close(): Promise<void> {
    await quitWithin(this.redis);
  }
}

function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}
