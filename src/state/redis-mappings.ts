// API-created event source mappings in Redis: <prefix>:mappings (hash UUID → JSON) and <prefix>:mappings:version
// (a counter bumped in the same MULTI as every change), which each sluice process polls to pick changes up.
import type { Redis } from 'ioredis';
import type { MappingStore, StoredMapping } from '../ports/state.js';

export class RedisMappingStore implements MappingStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:mappings`;
  }

  async list(): Promise<StoredMapping[]> {
    const all = await this.redis.hvals(this.key);
    return all.map((v) => JSON.parse(v) as StoredMapping);
  }

  async put(m: StoredMapping): Promise<void> {
    await this.redis.multi().hset(this.key, m.uuid, JSON.stringify(m)).incr(`${this.key}:version`).exec();
  }

  async delete(uuid: string): Promise<void> {
    await this.redis.multi().hdel(this.key, uuid).incr(`${this.key}:version`).exec();
  }

  async version(): Promise<string> {
    return (await this.redis.get(`${this.key}:version`)) ?? '0';
  }
}
