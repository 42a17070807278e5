// Durable state: stream checkpoints, shard leases and the async invocation queue.
// Implementations: state/memory (embedded default) and state/redis (production, several processes).

export interface CheckpointStore {
  get(mappingId: string, shardId: string): Promise<string | undefined>;
  /** Called only after every record up to `position` is done (success, filtered or discarded). */
  set(mappingId: string, shardId: string, position: string): Promise<void>;
  /** A closed shard fully processed; children may start (STR-40). */
  markFinished(mappingId: string, shardId: string): Promise<void>;
  isFinished(mappingId: string, shardId: string): Promise<boolean>;
}

export interface LeaseStore {
  /** Take the lease if free or expired. */
  acquire(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extend a lease this owner holds; false when it was lost. */
  renew(key: string, owner: string, ttlMs: number): Promise<boolean>;
  release(key: string, owner: string): Promise<void>;
  /** Current owners of leases under a prefix (for rebalancing). */
  owners(prefix: string): Promise<Map<string, string>>;
}

/** An event source mapping created over the API (ESMAPI-1): its request fields, kept as the API last set them. */
export interface StoredMapping {
  uuid: string;
  /** The CreateEventSourceMapping fields with updates applied (config-file field names). */
  fields: Record<string, unknown>;
  lastModifiedMs: number;
}

/** API-created mappings, shared by every process on the store; `version` changes on every put and delete. */
export interface MappingStore {
  list(): Promise<StoredMapping[]>;
  put(m: StoredMapping): Promise<void>;
  delete(uuid: string): Promise<void>;
  version(): Promise<string>;
}

/** FN-31: the tags of functions and event source mappings, by resource ARN. */
export interface TagStore {
  get(arn: string): Promise<Record<string, string>>;
  /** Adds or replaces the given keys; the others stay. */
  add(arn: string, tags: Record<string, string>): Promise<void>;
  remove(arn: string, keys: readonly string[]): Promise<void>;
  /** A deleted resource takes its tags with it. */
  drop(arn: string): Promise<void>;
}

/** Short-lived notes the processes share (#21 operator controls: shard status, commands and their results). */
export interface NoteStore {
  put(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | undefined>;
  /** Live notes whose key starts with `prefix`, as key → value. */
  list(prefix: string): Promise<Map<string, string>>;
  /** Removes the note and returns it; of several processes taking the same note, one gets it. */
  take(key: string): Promise<string | undefined>;
}

export interface StateStore {
  readonly checkpoints: CheckpointStore;
  readonly leases: LeaseStore;
  readonly mappings: MappingStore;
  readonly tags: TagStore;
  readonly notes: NoteStore;
  /** Resolves when the store answers; rejects when it does not (within its command timeout). For /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
