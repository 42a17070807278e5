// KCL-style shard leases of one stream mapping in one process (DESIGN "Scaling out"): a presence lease per
// instance, a lease per shard, renewed every ttl/3, and the share of the shards this instance should hold.
// Remembers when each held lease was last renewed, so a lease store that stays unreachable for a whole ttl
// stops the workers whose leases may have passed to another process.
import type { Clock } from '../../ports/clock.js';
import type { ShardInfo } from '../../ports/sources.js';
import type { LeaseStore } from '../../ports/state.js';

export interface LeasePlan {
  /** How many shards this instance should hold. */
  target: number;
  /** Held shards beyond this instance's share: to be handed over gracefully. */
  shed: string[];
  /** Shards not held by another instance, in listing order, to acquire until `room` are taken. */
  candidates: ShardInfo[];
  room: number;
}

export class ShardLeases {
  /** Shard id → last successful acquire or renew. */
  private readonly renewedAt = new Map<string, number>();

  constructor(
    private readonly store: LeaseStore,
    private readonly mappingId: string,
    readonly owner: string,
    readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  /** Keeps this instance counted among the mapping's instances. */
  async heartbeat(): Promise<void> {
    const key = this.instanceKey();
    if (!(await this.store.renew(key, this.owner, this.ttlMs))) await this.store.acquire(key, this.owner, this.ttlMs);
  }

  /** Renews the held shard leases; returns the shards whose lease someone else took. */
  async renew(held: readonly string[]): Promise<string[]> {
    const lost: string[] = [];
    for (const id of held) {
      if (await this.store.renew(this.shardKey(id), this.owner, this.ttlMs)) this.renewedAt.set(id, this.clock.now());
      else lost.push(id);
    }
    return lost;
  }

  /**
   * Every process computes the same split: floor(shards / instances) each, one more for the first
   * `shards mod instances` instances by id. (A plain ceil lets 4 shards on 3 processes end 2/2/0.)
   */
  async plan(eligible: readonly ShardInfo[], held: readonly string[]): Promise<LeasePlan> {
    const owners = await this.store.owners(`${this.mappingId}/`);
    const present = new Set([this.owner]);
    const instancePrefix = `${this.mappingId}/instance/`;
    for (const [key, owner] of owners) if (key.startsWith(instancePrefix)) present.add(owner);
    const instances = [...present].sort();
    const target =
      Math.floor(eligible.length / instances.length) +
      (instances.indexOf(this.owner) < eligible.length % instances.length ? 1 : 0);
    const candidates = eligible.filter((s) => {
      const holder = owners.get(this.shardKey(s.id));
      return holder === undefined || holder === this.owner;
    });
    return { target, shed: held.slice(target), candidates, room: target - Math.min(held.length, target) };
  }

  async acquire(id: string): Promise<boolean> {
    const ok = await this.store.acquire(this.shardKey(id), this.owner, this.ttlMs);
    if (ok) this.renewedAt.set(id, this.clock.now());
    return ok;
  }

  /** Held shards not renewed within the ttl: their lease may belong to someone else by now. */
  unrenewed(held: readonly string[]): string[] {
    const now = this.clock.now();
    return held.filter((id) => now - (this.renewedAt.get(id) ?? now) >= this.ttlMs);
  }

  /** Gives the lease back; `lost`: someone else holds it now, so only forget it. */
  async release(id: string, lost = false): Promise<void> {
    this.renewedAt.delete(id);
    if (!lost) await this.store.release(this.shardKey(id), this.owner);
  }

  async releasePresence(): Promise<void> {
    await this.store.release(this.instanceKey(), this.owner);
  }

  private instanceKey(): string {
    return `${this.mappingId}/instance/${this.owner}`;
  }

  private shardKey(id: string): string {
    return `${this.mappingId}/shard/${id}`;
  }
}
