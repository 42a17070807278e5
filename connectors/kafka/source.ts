// A Kafka topic as a StreamSource. Ownership comes from the consumer group, not from sluice leases: one kafkajs
// consumer per source joins the group, and its currently assigned partitions are the shards. eachBatch never
// blocks (records go to a bounded per-partition buffer; a full buffer pauses its partition), so heartbeats and
// rebalances are answered while a partition is stuck retrying (the failure mode of dapr/dapr#8796). Offsets are
// committed only through the CheckpointStore this source supplies (autoCommit off, KAF-7).
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { ShardLostError, SluiceError } from '../../src/ports/errors.js';
import type { Logger } from '../../src/ports/logger.js';
import type { Labels, Metrics } from '../../src/ports/metrics.js';
import type {
  ReadResult,
  ShardInfo,
  ShardReader,
  StartPosition,
  StreamRecord,
  StreamSource,
} from '../../src/ports/sources.js';
import type { CheckpointStore } from '../../src/ports/state.js';
import {
  buildKafkaEvent,
  kafkaBatchInfo,
  kafkaItemIdentifier,
  kafkaRecordFailure,
  shardIdOf,
  toKafkaRecord,
  toStreamRecord,
} from './event.js';
import { PartitionState } from './partition-state.js';

export interface KafkaSourceOptions {
  topic: string;
  /** MSK (KAF-4): the cluster ARN the mapping named; the event then says aws:kafka. */
  clusterArn?: string;
  groupId: string;
  mappingId: string;
  functionName?: string;
  startingPosition: StartPosition;
  /** Records buffered per partition before it is paused. */
  bufferRecords?: number;
  /** How long an empty read waits for records before returning none. */
  readWaitMs?: number;
  /** Period of the offset-lag gauges (KAF-19); 0 turns them off. */
  lagIntervalMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Fetch long-poll of the consumer. */
  maxWaitTimeMs?: number;
}

const DEFAULT_BUFFER = 5_000;
const DEFAULT_READ_WAIT_MS = 100;
const DEFAULT_LAG_MS = 30_000;
// kafkajs sleeps this long when every assigned partition is paused, so keep it short.
const DEFAULT_MAX_WAIT_MS = 100;

export class KafkaStreamSource implements StreamSource {
  readonly kind = 'kafka';
  readonly arn: string;
  readonly checkpoints: CheckpointStore;
  /** An empty read has already waited readWaitMs for records: read again at once (none when that wait is 0). */
  readonly idlePollMs: number | undefined;
  private readonly partitions = new Map<number, PartitionState>();
  private readonly listeners = new Set<() => void>();
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private started: Promise<void> | undefined;
  private rebalancing = false;
  private closed = false;
  private lagTimer: NodeJS.Timeout | undefined;
  /** Commits asked for while one is in flight; sent together in the next OffsetCommit request. */
  private readonly pendingCommits = new Map<PartitionState, { offset: number; waiters: Waiter[] }>();
  private committing: Promise<void> | undefined;
  private readonly labels: Labels;
  private readonly capacity: number;

  constructor(
    private readonly kafka: Kafka,
    readonly bootstrapServers: string,
    private readonly options: KafkaSourceOptions,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.arn = options.clusterArn ?? `kafka://${options.topic}`;
    this.capacity = Math.max(1, options.bufferRecords ?? DEFAULT_BUFFER);
    this.labels = { mapping: options.mappingId, function: options.functionName ?? '', source: 'kafka' };
    this.checkpoints = kafkaCheckpointsOf(this);
    this.idlePollMs = (options.readWaitMs ?? DEFAULT_READ_WAIT_MS) > 0 ? 0 : undefined;
  }

  get topic(): string {
    return this.options.topic;
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** Connects, joins the group and waits for the first assignment (consumer.run resolves after the join). */
  start(): Promise<void> {
    this.started ??= this.connect().catch(async (err: unknown) => {
      // Leave nothing half-connected behind: the next listShards() starts over.
      if (this.lagTimer !== undefined) clearInterval(this.lagTimer);
      await this.consumer?.disconnect().catch(() => undefined);
      await this.admin?.disconnect().catch(() => undefined);
      this.consumer = undefined;
      this.admin = undefined;
      this.started = undefined;
      throw err;
    });
    return this.started;
  }

  private async connect(): Promise<void> {
    const { options } = this;
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? DEFAULT_MAX_WAIT_MS,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => this.onJoin(e.payload.memberAssignment[options.topic] ?? []));
    consumer.on(consumer.events.REBALANCING, () => {
      this.rebalancing = true;
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.logger.warn({ err: e.payload.error, restart: e.payload.restart }, 'kafka consumer crashed');
      this.loseAll();
      // kafkajs restarts on retriable crashes; otherwise start over at the next listShards().
      if (!e.payload.restart && this.consumer === consumer) {
        if (this.lagTimer !== undefined) clearInterval(this.lagTimer);
        this.started = undefined;
        const admin = this.admin;
        this.consumer = undefined;
        this.admin = undefined;
        void consumer.disconnect().catch(() => undefined);
        void admin?.disconnect().catch(() => undefined);
      }
    });
    consumer.on(consumer.events.STOP, () => this.loseAll());
    this.admin = this.kafka.admin();
    await Promise.all([consumer.connect(), this.admin.connect()]);
    // KAF-5/6: a committed group offset wins; otherwise TRIM_HORIZON reads from the start, LATEST from the end.
    // AT_TIMESTAMP starts from the beginning and seeks per partition once it is known to have no committed offset.
    await consumer.subscribe({ topics: [options.topic], fromBeginning: options.startingPosition.type !== 'LATEST' });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => Promise.resolve(this.onBatch(payload)),
    });
    const lagMs = options.lagIntervalMs ?? DEFAULT_LAG_MS;
    if (lagMs > 0) {
      this.lagTimer = setInterval(() => void this.updateLag(), lagMs);
      this.lagTimer.unref();
    }
  }

  /** Eager rebalance finished: drop what was revoked, keep what was retained, add what is new. */
  private onJoin(assigned: number[]): void {
    this.rebalancing = false;
    const next = new Set(assigned);
    let changed = false;
    for (const [p, st] of this.partitions) {
      if (next.has(p)) continue;
      this.lose(st);
      this.partitions.delete(p);
      changed = true;
    }
    for (const p of next) {
      if (this.partitions.has(p)) continue;
      const st = new PartitionState(p, shardIdOf(this.options.topic, p));
      this.partitions.set(p, st);
      changed = true;
      if (this.options.startingPosition.type === 'AT_TIMESTAMP') {
        st.gated = true;
        void this.seekToTimestamp(st, this.options.startingPosition.timestampMs);
      }
    }
    // Pauses survive a rejoin in kafkajs, but re-apply them so a lost-and-regained partition is not left paused.
    for (const st of this.partitions.values()) this.applyPause(st);
    this.logger.info({ topic: this.options.topic, partitions: [...next] }, 'kafka partitions assigned');
    if (changed) for (const l of this.listeners) l();
  }

  /** AT_TIMESTAMP applies only when the group has no committed offset for the partition (KAF-5). */
  private async seekToTimestamp(st: PartitionState, timestampMs: number): Promise<void> {
    const { topic, groupId } = this.options;
    try {
      const admin = this.admin!;
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const mine = committed?.partitions.find((x) => x.partition === st.partition);
      if (mine === undefined || Number(mine.offset) < 0) {
        const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs);
        const target = byTime.find((x) => x.partition === st.partition)?.offset;
        if (target !== undefined && Number(target) >= 0) {
          this.consumer?.seek({ topic, partition: st.partition, offset: target });
          st.nextExpected = Number(target);
        } else {
          // No record at or after the timestamp: start at the end.
          const ends = await admin.fetchTopicOffsets(topic);
          const end = ends.find((x) => x.partition === st.partition)?.high ?? '0';
          this.consumer?.seek({ topic, partition: st.partition, offset: end });
          st.nextExpected = Number(end);
        }
      }
    } catch (err) {
      this.logger.warn({ err, partition: st.partition }, 'AT_TIMESTAMP seek failed; reading from the group position');
    }
    st.gated = false;
    this.applyPause(st);
  }

  /**
   * Buffers the batch and returns at once; a buffer at capacity pauses the partition. Memory stays bounded by
   * the capacity plus one fetch (maxBytesPerPartition), and nothing fetched is thrown away to be fetched again.
   */
  private onBatch(payload: EachBatchPayload): void {
    const { batch } = payload;
    const st = this.partitions.get(batch.partition);
    if (st === undefined || st.lost || st.gated || payload.isStale()) return;
    let resolved: string | undefined;
    for (const m of batch.messages) {
      const offset = Number(m.offset);
      if (offset < st.nextExpected) {
        // Refetched after a rejoin (kafkajs restarts from the committed offset): the engine already has it.
        resolved = m.offset;
        continue;
      }
      st.push(toStreamRecord(toKafkaRecord(batch.topic, batch.partition, m)));
      st.baseline ??= offset;
      st.nextExpected = offset + 1;
      resolved = m.offset;
    }
    if (resolved !== undefined) payload.resolveOffset(resolved);
    this.applyPause(st);
    st.wake();
  }

  private applyPause(st: PartitionState): void {
    const consumer = this.consumer;
    if (consumer === undefined || st.lost) return;
    const want = st.gated || st.size >= this.capacity;
    if (want === st.paused) return;
    st.paused = want;
    const tp = [{ topic: this.options.topic, partitions: [st.partition] }];
    if (want) consumer.pause(tp);
    else consumer.resume(tp);
  }

  private lose(st: PartitionState): void {
    st.lost = true;
    st.clear();
    st.wake();
  }

  private loseAll(): void {
    for (const st of this.partitions.values()) this.lose(st);
    const had = this.partitions.size > 0;
    this.partitions.clear();
    if (had) for (const l of this.listeners) l();
  }

  async listShards(): Promise<ShardInfo[]> {
    await this.start();
    return [...this.partitions.values()].map((st) => ({ id: st.shardId, parentIds: [] }));
  }

  onShardsChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The starting position is the group's business (see connect); AFTER skips records the engine already has. */
  async open(shard: ShardInfo, from: StartPosition): Promise<ShardReader> {
    await this.start();
    const st = this.stateOf(shard.id);
    if (st === undefined) throw new ShardLostError(shard.id);
    if (from.type === 'AFTER') {
      const after = Number(from.position);
      st.dropThrough(after);
      st.nextExpected = Math.max(st.nextExpected, after + 1);
      this.applyPause(st);
    }
    return new KafkaShardReader(this, st, this.options.readWaitMs ?? DEFAULT_READ_WAIT_MS);
  }

  /**
   * @internal Resumes as soon as the buffer is below capacity again, not at half: a paused partition is only
   * fetched again after kafkajs' next fetch round (up to maxWaitTimeMs of sleep when every partition is paused,
   * then a round trip), and waiting for half a buffer left the engine idle on an empty buffer every time.
   */
  afterTake(st: PartitionState): void {
    if (st.paused) this.applyPause(st);
  }

  stateOf(shardId: string): PartitionState | undefined {
    for (const st of this.partitions.values()) if (st.shardId === shardId) return st;
    return undefined;
  }

  buildEvent(_shard: ShardInfo, records: readonly StreamRecord[]): unknown {
    return buildKafkaEvent(this.bootstrapServers, records, this.options.clusterArn);
  }

  itemIdentifier(record: StreamRecord): unknown {
    return kafkaItemIdentifier(record);
  }

  failureBatchInfo(_shard: ShardInfo, records: readonly StreamRecord[]): Record<string, unknown> {
    return kafkaBatchInfo(this.bootstrapServers, records, this.options.clusterArn);
  }

  /** KAF-18: a Kafka topic destination gets one message per record, with the record itself as payload. */
  destinationRecords(
    destinationArn: string,
    _shard: ShardInfo,
    records: readonly StreamRecord[],
    batchRecord: Record<string, unknown>,
  ): unknown[] | undefined {
    if (!destinationArn.startsWith('kafka://')) return undefined;
    return records.map((r) => kafkaRecordFailure(this.bootstrapServers, r, batchRecord, this.options.clusterArn));
  }

  /**
   * KAF-7: commits offset+1 for a partition this consumer still owns. A revoked partition is skipped (its new
   * owner resumes from the group's offset: duplicates, never gaps) and a commit never moves backwards.
   */
  async commit(shardId: string, position: string): Promise<void> {
    const st = this.stateOf(shardId);
    const consumer = this.consumer;
    if (st === undefined || consumer === undefined) {
      this.logger.debug({ shardId, position }, 'commit skipped: partition not assigned here');
      return;
    }
    const offset = Number(position) + 1;
    if (st.committed !== undefined && offset <= st.committed) return;
    if (this.rebalancing) throw new SluiceError('KafkaRebalancing', 'group is rebalancing', { retryable: true });
    return new Promise<void>((resolve, reject) => {
      const pending = this.pendingCommits.get(st);
      if (pending === undefined) this.pendingCommits.set(st, { offset, waiters: [{ resolve, reject }] });
      else {
        pending.offset = Math.max(pending.offset, offset);
        pending.waiters.push({ resolve, reject });
      }
      this.kickCommits(consumer);
    });
  }

  private kickCommits(consumer: Consumer): void {
    if (this.committing !== undefined) return;
    this.committing = this.sendCommits(consumer).finally(() => {
      this.committing = undefined;
      // A set() may have queued between the loop's last check and here.
      if (this.pendingCommits.size > 0) this.kickCommits(consumer);
    });
  }

  /** One OffsetCommit request at a time for every partition with a new position (commits coalesce under load). */
  private async sendCommits(consumer: Consumer): Promise<void> {
    // Let set() calls made in the same tick join this request.
    await Promise.resolve();
    while (this.pendingCommits.size > 0) {
      const batch = [...this.pendingCommits];
      this.pendingCommits.clear();
      const offsets = batch.map(([st, p]) => ({
        topic: this.options.topic,
        partition: st.partition,
        offset: String(p.offset),
      }));
      try {
        await consumer.commitOffsets(offsets);
      } catch (err) {
        for (const [, p] of batch) for (const w of p.waiters) w.reject(err);
        continue;
      }
      for (const [st, p] of batch) {
        const from = st.committed ?? st.baseline ?? p.offset;
        if (p.offset > from) this.metrics.inc('sluice_committed_events_total', this.labels, p.offset - from);
        st.committed = Math.max(st.committed ?? 0, p.offset);
        for (const w of p.waiters) w.resolve();
      }
    }
  }

  /** KAF-19: topic-level lag = latest offset minus the group's committed offset, summed and maxed over partitions. */
  async updateLag(): Promise<{ sum: number; max: number } | undefined> {
    const admin = this.admin;
    if (admin === undefined || this.closed) return undefined;
    try {
      const { topic, groupId } = this.options;
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      let sum = 0;
      let max = 0;
      for (const p of ends) {
        const c = done.get(p.partition) ?? -1;
        const lag = Math.max(0, Number(p.high) - (c >= 0 ? c : Number(p.low)));
        sum += lag;
        max = Math.max(max, lag);
      }
      this.metrics.set('sluice_offset_lag', this.labels, sum);
      this.metrics.set('sluice_offset_lag_max', this.labels, max);
      return { sum, max };
    } catch (err) {
      this.logger.warn({ err }, 'kafka offset lag update failed');
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.lagTimer !== undefined) clearInterval(this.lagTimer);
    await this.started?.catch(() => undefined);
    // Commits in flight land before the consumer leaves the group (kafkajs drops commits once stopped).
    await this.committing?.catch(() => undefined);
    await this.consumer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    this.loseAll();
  }
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

class KafkaShardReader implements ShardReader {
  private closed = false;

  constructor(
    private readonly source: KafkaStreamSource,
    private readonly st: PartitionState,
    private readonly waitMs: number,
  ) {}

  async read(limit: number, signal: AbortSignal): Promise<ReadResult> {
    if (this.st.lost || this.closed) throw new ShardLostError(this.st.shardId);
    if (this.st.size === 0) await this.st.waitForRecords(this.waitMs, signal);
    // Records already buffered: still let I/O run first. With a fast function the engine would otherwise work
    // through the whole buffer in one run of microtasks, and kafkajs could neither send its next fetch nor a
    // heartbeat until the buffer was empty (the engine then waits for that fetch with nothing to do).
    else await new Promise((resolve) => setImmediate(resolve));
    if (this.st.lost) throw new ShardLostError(this.st.shardId);
    const records = this.st.take(limit);
    this.source.afterTake(this.st);
    return { records, endOfShard: false };
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/** The CheckpointStore a Kafka mapping must use: set() commits group offsets; get() defers to the group (KAF-5). */
export function kafkaCheckpointsOf(source: KafkaStreamSource): CheckpointStore {
  return {
    get: () => Promise.resolve(undefined),
    set: (_mappingId, shardId, position) => source.commit(shardId, position),
    // Partitions never close.
    markFinished: () => Promise.resolve(),
    isFinished: () => Promise.resolve(false),
  };
}
