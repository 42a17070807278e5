// A mapping over several Redis stream keys: `redis://a,b` (a list) and/or `redis://orders:*` (a SCAN MATCH
// pattern). Each key is one shard with its own RedisStreamSource (own consumer-group reads and XACKs), so keys
// are read in parallel and each stays in order. Keys a pattern finds after the mapping's first listing were
// created after it started: they are read from their beginning even when the mapping starts at LATEST, so nothing
// written to a new key before its discovery is skipped.
import type { Redis } from 'ioredis';
import type {
  ShardInfo,
  ShardReader,
  StartPosition,
  StreamEvents,
  ShardRecord,
  StreamSource,
} from '../../src/ports/sources.js';
import { redisEvents } from './event.js';
import type { RedisStreamSource } from './source.js';
import { quitWithin } from '../../src/ports/quit.js';
import { pingWithin } from './redis-health.js';

/** Literal keys and glob patterns (characters `*`, `?`, `[`) of a mapping address. */
export interface KeySelector {
  keys: readonly string[];
  patterns: readonly string[];
}

const GLOB = /[*?[]/;

export function parseKeySelector(spec: string): KeySelector {
  const parts = spec.split(',').filter((p) => p.length > 0);
  return { keys: parts.filter((p) => !GLOB.test(p)), patterns: parts.filter((p) => GLOB.test(p)) };
}

export class RedisKeysSource implements StreamSource {
  readonly kind = 'redis';
  /** Each key's consumer group keeps its position; the key's reader XACKs. */
  readonly positions = 'source';
  readonly events: StreamEvents;
  private readonly sources = new Map<string, RedisStreamSource>();
  /** Keys of the first listing; null until it happened. */
  private initial: Set<string> | null = null;

  constructor(
    readonly arn: string,
    private readonly selector: KeySelector,
    /** For SCAN only. */
    private readonly scanner: Redis,
    private readonly sourceFor: (key: string) => RedisStreamSource,
    readonly leasedShards: boolean,
  ) {
    this.events = redisEvents(arn);
  }

  /** Every key's source waits the same XREADGROUP BLOCK, so any one of them answers (see RedisStreamSource). */
  get idlePollMs(): number | undefined {
    for (const s of this.sources.values()) return s.idlePollMs;
    return undefined;
  }

  async listShards(): Promise<ShardInfo[]> {
    await pingWithin(this.scanner);
    const keys = new Set(this.selector.keys);
    for (const pattern of this.selector.patterns) for (const key of await this.scan(pattern)) keys.add(key);
    this.initial ??= new Set(keys);
    return [...keys].sort().map((id) => ({ id, parentIds: [] }));
  }

  open(shard: ShardInfo, from: StartPosition): Promise<ShardReader> {
    const isNew = this.initial !== null && !this.initial.has(shard.id) && !this.selector.keys.includes(shard.id);
    const start: StartPosition = isNew && from.type === 'LATEST' ? { type: 'TRIM_HORIZON' } : from;
    return this.source(shard.id).open(shard, start);
  }

  /** Each key's newest entries, read past the consumer groups (see RedisStreamSource.sample). */
  async sample(limit: number): Promise<ShardRecord[]> {
    const out: ShardRecord[] = [];
    for (const shard of await this.listShards()) out.push(...(await this.source(shard.id).sample(limit)));
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.sources.values()].map((s) => s.close()));
    await quitWithin(this.scanner);
  }

  private source(key: string): RedisStreamSource {
    let s = this.sources.get(key);
    if (s === undefined) {
      s = this.sourceFor(key);
      this.sources.set(key, s);
    }
    return s;
  }

  /** Stream keys matching a pattern (SCAN … TYPE stream, Redis ≥ 6). */
  private async scan(pattern: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = (await this.scanner.call(
        'SCAN',
        cursor,
        'MATCH',
        pattern,
        'COUNT',
        1000,
        'TYPE',
        'stream',
      )) as [string, string[]];
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return found;
  }
}
