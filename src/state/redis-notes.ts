// Short-lived shared notes in Redis (#21 operator controls): <prefix>:note:<key> strings with a PX ttl.
import type { Redis } from 'ioredis';
import type { NoteStore } from '../ports/state.js';

const TAKE = `
local v = redis.call('GET', KEYS[1])
if v then redis.call('DEL', KEYS[1]) end
return v`;

export class RedisNoteStore implements NoteStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(k: string): string {
    return `${this.prefix}:note:${k}`;
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.key(key))) ?? undefined;
  }

  list(prefix: string): Promise<Map<string, string>> {
    return scanValues(this.redis, this.key(''), prefix);
  }

  async take(key: string): Promise<string | undefined> {
    // GET and DEL in one script: of two takers, one gets the note (GETDEL needs Redis 6.2).
    const v = (await this.redis.eval(TAKE, 1, this.key(key))) as string | null;
    return v ?? undefined;
  }
}

/** String keys `base + prefix…` and their values, as key (less `base`) → value; SCAN, so it never blocks Redis. */
export async function scanValues(redis: Redis, base: string, prefix: string): Promise<Map<string, string>> {
  const match = `${globEscape(base + prefix)}*`;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const out = new Map<string, string>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const values = await redis.mget(chunk);
    chunk.forEach((k, j) => {
      const v = values[j];
      // null: expired between SCAN and MGET.
      if (v !== null && v !== undefined) out.set(k.slice(base.length), v);
    });
  }
  return out;
}

/** Escapes Redis glob metacharacters so a prefix matches literally. */
function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}
