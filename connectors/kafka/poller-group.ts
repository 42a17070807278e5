// Provisioned mode for Kafka (PRV-3, PRV-10, DA-6): a mapping's pollers are kafkajs consumers of its consumer group
// in this process, each a KafkaStreamSource over the partitions the group gives it. MinimumPollers run at all times
// (never more than the topic has partitions); every `evaluateMs` the offset lag adds up to ceil(n/2)+1 pollers
// toward min(MaximumPollers, partitions), and each minute without lag removes one down to the minimum. The engine
// sees one StreamSource: the union of the members' partitions.
import { ShardLostError } from '../../src/ports/errors.js';
import type { Logger } from '../../src/ports/logger.js';
import type { Labels, Metrics } from '../../src/ports/metrics.js';
import type {
  OffsetRange,
  RangeRead,
  ShardInfo,
  ShardReader,
  ShardRecord,
  StartPosition,
  StreamEvents,
  StreamSource,
} from '../../src/ports/sources.js';
import type { KafkaStreamSource } from './source.js';

export interface PollerGroupOptions {
  minimumPollers: number;
  maximumPollers: number;
  /** DA-6: how often the lag is evaluated (10 s). */
  evaluateMs?: number;
  /** DA-6: how long without lag before one poller is removed (1 min). */
  idleRemoveMs?: number;
  labels: Labels;
  /** PRV-3: the topic's partition count, which caps the pollers. */
  partitionCount: () => Promise<number>;
}

/** DA-6: the pollers wanted after one evaluation. */
export function nextPollerCount(current: number, lag: number, ceiling: number, floor: number, idle: boolean): number {
  if (lag > 0) return Math.min(ceiling, current + Math.ceil(current / 2) + 1);
  if (idle) return Math.max(floor, current - 1);
  return current;
}

export class KafkaPollerGroup implements StreamSource {
  readonly kind = 'kafka';
  readonly positions = 'source';
  readonly arn: string;
  readonly events: StreamEvents;
  readonly idlePollMs: number | undefined;
  private readonly members: KafkaStreamSource[] = [];
  private readonly listeners = new Set<() => void>();
  private started: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private partitions = 1;
  private lagSince = Date.now();
  private closed = false;

  constructor(
    private readonly create: (index: number) => KafkaStreamSource,
    private readonly o: PollerGroupOptions,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    const first = this.add();
    this.arn = first.arn;
    this.events = first.events;
    this.idlePollMs = first.idlePollMs;
  }

  get pollers(): number {
    return this.members.length;
  }

  private add(): KafkaStreamSource {
    const m = this.create(this.members.length);
    this.members.push(m);
    for (const l of this.listeners) m.onShardsChanged(l);
    this.metrics.set('sluice_provisioned_pollers', this.o.labels, this.members.length);
    return m;
  }

  private start(): Promise<void> {
    this.started ??= (async () => {
      this.partitions = await this.o.partitionCount();
      const want = Math.min(this.o.minimumPollers, this.partitions);
      while (this.members.length < want) this.add();
      await Promise.all(this.members.map((m) => m.listShards()));
      this.timer = setInterval(() => void this.evaluate(), this.o.evaluateMs ?? 10_000);
      this.timer.unref();
    })();
    return this.started;
  }

  private async evaluate(): Promise<void> {
    if (this.closed) return;
    const lag = await this.members[0]!.updateLag();
    if (lag === undefined || this.closed) return;
    const now = Date.now();
    if (lag.sum > 0) this.lagSince = now;
    const idle = now - this.lagSince >= (this.o.idleRemoveMs ?? 60_000);
    const floor = Math.min(this.o.minimumPollers, this.partitions);
    const ceiling = Math.min(this.o.maximumPollers, this.partitions);
    const want = nextPollerCount(this.members.length, lag.sum, ceiling, floor, idle);
    if (want === this.members.length) return;
    this.logger.info({ from: this.members.length, to: want, lag: lag.sum }, 'kafka pollers scaled');
    if (want > this.members.length) {
      while (this.members.length < want)
        void this.add()
          .listShards()
          .catch(() => undefined);
      return;
    }
    this.lagSince = now; // one removal per idle minute
    const last = this.members.pop()!;
    this.metrics.set('sluice_provisioned_pollers', this.o.labels, this.members.length);
    await last.close();
    for (const l of this.listeners) l();
  }

  async listShards(): Promise<ShardInfo[]> {
    await this.start();
    const all = await Promise.all(this.members.map((m) => m.listShards()));
    return all.flat();
  }

  onShardsChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    const offs = this.members.map((m) => m.onShardsChanged(listener));
    return () => {
      this.listeners.delete(listener);
      for (const off of offs) off();
    };
  }

  async open(shard: ShardInfo, from: StartPosition): Promise<ShardReader> {
    await this.start();
    const owner = this.members.find((m) => m.stateOf(shard.id) !== undefined);
    if (owner === undefined) throw new ShardLostError(shard.id);
    return owner.open(shard, from);
  }

  // Operator controls (#21) on a provisioned mapping: whole-topic reads go through any poller (they use throwaway
  // groups), shard actions through the poller that owns the partition.
  sample(limit: number, signal: AbortSignal): Promise<ShardRecord[]> {
    return this.members[0]!.sample(limit, signal);
  }

  readRanges(ranges: readonly OffsetRange[], signal: AbortSignal): Promise<RangeRead | undefined> {
    return this.members[0]!.readRanges(ranges, signal);
  }

  async seek(shardId: string, to: Extract<StartPosition, { type: 'AFTER' | 'AT_TIMESTAMP' }>): Promise<void> {
    const owner = this.members.find((m) => m.stateOf(shardId) !== undefined);
    if (owner === undefined) throw new ShardLostError(shardId);
    await owner.seek(shardId, to);
  }

  shardLag(shardId: string): number | undefined {
    return this.members.find((m) => m.stateOf(shardId) !== undefined)?.shardLag(shardId);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.started?.catch(() => undefined);
    await Promise.all(this.members.map((m) => m.close()));
    this.metrics.set('sluice_provisioned_pollers', this.o.labels, 0);
  }
}
