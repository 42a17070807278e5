// In-memory state store: the embedded default (one process) and the engine's unit tests.
// Nothing survives a restart; use the Redis store to share state between processes or keep it across restarts.
import type { Clock } from '../ports/clock.js';
import type {
  CheckpointStore,
  LeaseStore,
  MappingStore,
  NoteStore,
  StateStore,
  StoredMapping,
  TagStore,
} from '../ports/state.js';

export class MemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, string>();
  private readonly finished = new Set<string>();

  get(mappingId: string, shardId: string): Promise<string | undefined> {
    return Promise.resolve(this.positions.get(key(mappingId, shardId)));
  }

  set(mappingId: string, shardId: string, position: string): Promise<void> {
    this.positions.set(key(mappingId, shardId), position);
    return Promise.resolve();
  }

  markFinished(mappingId: string, shardId: string): Promise<void> {
    this.finished.add(key(mappingId, shardId));
    return Promise.resolve();
  }

  isFinished(mappingId: string, shardId: string): Promise<boolean> {
    return Promise.resolve(this.finished.has(key(mappingId, shardId)));
  }
}

interface Lease {
  owner: string;
  expiresAt: number;
}

export class MemoryLeaseStore implements LeaseStore {
  private readonly leases = new Map<string, Lease>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Free, expired, or already ours (then extended). */
  acquire(leaseKey: string, owner: string, ttlMs: number): Promise<boolean> {
    const current = this.live(leaseKey);
    if (current && current.owner !== owner) return Promise.resolve(false);
    this.leases.set(leaseKey, { owner, expiresAt: this.now() + ttlMs });
    return Promise.resolve(true);
  }

  renew(leaseKey: string, owner: string, ttlMs: number): Promise<boolean> {
    const current = this.live(leaseKey);
    if (!current || current.owner !== owner) return Promise.resolve(false);
    current.expiresAt = this.now() + ttlMs;
    return Promise.resolve(true);
  }

  release(leaseKey: string, owner: string): Promise<void> {
    if (this.leases.get(leaseKey)?.owner === owner) this.leases.delete(leaseKey);
    return Promise.resolve();
  }

  /** Live (unexpired) leases under the prefix. */
  owners(prefix: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const k of [...this.leases.keys()]) {
      const lease = this.live(k);
      if (lease && k.startsWith(prefix)) out.set(k, lease.owner);
    }
    return Promise.resolve(out);
  }

  private live(leaseKey: string): Lease | undefined {
    const lease = this.leases.get(leaseKey);
    if (lease && lease.expiresAt <= this.now()) {
      this.leases.delete(leaseKey);
      return undefined;
    }
    return lease;
  }
}

export class MemoryMappingStore implements MappingStore {
  private readonly stored = new Map<string, string>();
  private changes = 0;

  list(): Promise<StoredMapping[]> {
    return Promise.resolve([...this.stored.values()].map((v) => JSON.parse(v) as StoredMapping));
  }

  put(m: StoredMapping): Promise<void> {
    this.stored.set(m.uuid, JSON.stringify(m));
    this.changes++;
    return Promise.resolve();
  }

  delete(uuid: string): Promise<void> {
    if (this.stored.delete(uuid)) this.changes++;
    return Promise.resolve();
  }

  version(): Promise<string> {
    return Promise.resolve(String(this.changes));
  }
}

export class MemoryTagStore implements TagStore {
  readonly #tags = new Map<string, Record<string, string>>();

  get(arn: string): Promise<Record<string, string>> {
    return Promise.resolve({ ...this.#tags.get(arn) });
  }

  add(arn: string, tags: Record<string, string>): Promise<void> {
    this.#tags.set(arn, { ...this.#tags.get(arn), ...tags });
    return Promise.resolve();
  }

  remove(arn: string, keys: readonly string[]): Promise<void> {
    const current = this.#tags.get(arn);
    for (const k of keys) if (current !== undefined) delete current[k];
    if (current !== undefined && Object.keys(current).length === 0) this.#tags.delete(arn);
    return Promise.resolve();
  }

  drop(arn: string): Promise<void> {
    this.#tags.delete(arn);
    return Promise.resolve();
  }
}

export class MemoryNoteStore implements NoteStore {
  private readonly notes = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  put(key: string, value: string, ttlMs: number): Promise<void> {
    this.notes.set(key, { value, expiresAt: this.now() + ttlMs });
    return Promise.resolve();
  }

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.live(key));
  }

  list(prefix: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const k of [...this.notes.keys()]) {
      const v = k.startsWith(prefix) ? this.live(k) : undefined;
      if (v !== undefined) out.set(k, v);
    }
    return Promise.resolve(out);
  }

  take(key: string): Promise<string | undefined> {
    const v = this.live(key);
    this.notes.delete(key);
    return Promise.resolve(v);
  }

  private live(key: string): string | undefined {
    const n = this.notes.get(key);
    if (n && n.expiresAt <= this.now()) this.notes.delete(key);
    return n && n.expiresAt > this.now() ? n.value : undefined;
  }
}

export class MemoryStateStore implements StateStore {
  readonly checkpoints: MemoryCheckpointStore;
  readonly leases: MemoryLeaseStore;
  readonly mappings = new MemoryMappingStore();
  readonly tags = new MemoryTagStore();
  readonly notes: MemoryNoteStore;

  constructor(options: { clock?: Pick<Clock, 'now'> } = {}) {
    const clock = options.clock;
    this.checkpoints = new MemoryCheckpointStore();
    this.leases = new MemoryLeaseStore(clock ? () => clock.now() : Date.now);
    this.notes = new MemoryNoteStore(clock ? () => clock.now() : Date.now);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export function createMemoryStateStore(options: { clock?: Pick<Clock, 'now'> } = {}): MemoryStateStore {
  return new MemoryStateStore(options);
}

function key(mappingId: string, shardId: string): string {
  return `${mappingId}\u0000${shardId}`;
}
