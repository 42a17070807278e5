// A Kafka topic as a StreamSource. Ownership comes from the consumer group, not from sluice leases: one kafkajs
// consumer per source joins the group, and its currently assigned partitions are the shards. eachBatch does not
// block (records go to a bounded per-partition buffer; a full buffer pauses its partition; only when all are full
// it waits, at most as long as kafkajs would sleep: room-wait.ts), so heartbeats and
// rebalances are answered while a partition is stuck retrying (the failure mode of dapr/dapr#8796). Offsets are
// committed only through the shard readers' commit, with the engine's done prefix (autoCommit off, KAF-7).
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { ShardLostError, SluiceError } from '../../src/ports/errors.js';
import type { Logger } from '../../src/ports/logger.js';
import type { Labels, Metrics } from '../../src/ports/metrics.js';
import type { ShardInfo, ShardReader, StartPosition, StreamEvents, StreamSource } from '../../src/ports/sources.js';
import { kafkaEvents, shardIdOf } from './event.js';
import { OffsetCommitter, offsetLag } from './offset-committer.js';
import { releaseMessages } from './fetch-chunk.js';
import { PartitionState } from './partition-state.js';
import { seekPartition } from './seek.js';
import { decodeBatch } from './schema-registry-batch.js';
import { readTopicRanges, sampleTopic } from './sample.js';
import { KafkaShardReader } from './shard-reader.js';
import { RoomWait } from './room-wait.js';
import {
  DEFAULT_BUFFER,
  DEFAULT_BUFFER_BYTES,
  DEFAULT_LAG_MS,
  DEFAULT_MAX_WAIT_MS,
  DEFAULT_READ_WAIT_MS,
  fetchSizes,
  type KafkaSourceOptions,
} from './source-options.js';

export type { KafkaSourceOptions } from './source-options.js';

export class KafkaStreamSource implements StreamSource {
  readonly kind = 'kafka';
  readonly arn: string;
  /** KAF-5/KAF-7: the consumer group keeps the offsets; readers commit them. */
  readonly positions = 'source';
  readonly events: StreamEvents;
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
  private readonly committer: OffsetCommitter;
  /** Starting positions being placed (and LATEST pinned): close() lets them land. */
  private readonly placing = new Set<Promise<void>>();
  private readonly labels: Labels;
  private readonly capacity: number;
  /** Offset lag per partition, from the last lag update. */
  private lags = new Map<number, number>();
  private readonly capacityBytes: number;
  /** Holds the eachBatch that paused the last partition with room (see room-wait.ts). */
  private readonly roomWait = new RoomWait();

  constructor(
    private readonly kafka: Kafka,
    readonly bootstrapServers: string,
    private readonly options: KafkaSourceOptions,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.arn = options.clusterArn ?? `kafka://${options.topic}`;
    this.capacity = Math.max(1, options.bufferRecords ?? DEFAULT_BUFFER);
    this.capacityBytes = Math.max(1, options.bufferBytes ?? DEFAULT_BUFFER_BYTES);
    this.labels = { mapping: options.mappingId, function: options.functionName ?? '', source: 'kafka' };
    this.events = kafkaEvents(bootstrapServers, options.clusterArn);
    this.committer = new OffsetCommitter(options.topic, (st, offset) => {
      const from = st.committed ?? st.baseline ?? offset;
      if (offset > from) this.metrics.inc('sluice_committed_events_total', this.labels, offset - from);
    });
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
      ...fetchSizes(options, this.capacityBytes),
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
    // KAF-5/6: a committed group offset wins; otherwise TRIM_HORIZON reads from the start. LATEST and AT_TIMESTAMP
    // seek per partition once it is known to have no committed offset (placeWithoutCommit).
    await consumer.subscribe({ topics: [options.topic], fromBeginning: options.startingPosition.type !== 'LATEST' });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
    // The first assignment's starting positions are placed (LATEST pinned) before the source counts as started.
    await Promise.all(this.placing);
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
      const start = this.options.startingPosition;
      if (start.type === 'AT_TIMESTAMP' || start.type === 'LATEST') {
        st.gated = true;
        const placed = this.placeWithoutCommit(st, start.type === 'AT_TIMESTAMP' ? start.timestampMs : undefined);
        this.placing.add(placed);
        void placed.finally(() => this.placing.delete(placed));
      }
    }
    // Pauses survive a rejoin in kafkajs, but re-apply them so a lost-and-regained partition is not left paused.
    for (const st of this.partitions.values()) this.applyPause(st);
    this.logger.info({ topic: this.options.topic, partitions: [...next] }, 'kafka partitions assigned');
    if (changed) for (const l of this.listeners) l();
  }

  /**
   * StartingPosition applies only when the group has no committed offset for the partition (KAF-5). AT_TIMESTAMP
   * seeks by time. LATEST seeks to the end and commits that offset at once: the group then holds where the first
   * run began, so a restart before the first real commit does not skip what was produced meanwhile.
   */
  private async placeWithoutCommit(st: PartitionState, timestampMs: number | undefined): Promise<void> {
    const { topic, groupId } = this.options;
    try {
      const admin = this.admin!;
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const mine = committed?.partitions.find((x) => x.partition === st.partition);
      if (mine === undefined || Number(mine.offset) < 0) {
        const byTime = timestampMs === undefined ? [] : await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs);
        let target = byTime.find((x) => x.partition === st.partition)?.offset;
        // LATEST, or no record at or after the timestamp: start at the end.
        if (target === undefined || Number(target) < 0) {
          const ends = await admin.fetchTopicOffsets(topic);
          target = ends.find((x) => x.partition === st.partition)?.high ?? '0';
        }
        this.consumer?.seek({ topic, partition: st.partition, offset: target });
        st.nextExpected = Number(target);
        if (timestampMs === undefined) await this.pin(st, Number(target));
      }
    } catch (err) {
      this.logger.warn(
        { err, partition: st.partition },
        'starting position not placed; reading from the group position',
      );
    }
    st.gated = false;
    this.applyPause(st);
  }

  /** Commits the LATEST start of a partition that has no committed offset yet (see placeWithoutCommit). */
  private async pin(st: PartitionState, offset: number): Promise<void> {
    const consumer = this.consumer;
    if (consumer === undefined || st.lost) return;
    await consumer.commitOffsets([{ topic: this.options.topic, partition: st.partition, offset: String(offset) }]);
    st.committed = Math.max(st.committed ?? 0, offset);
    st.baseline ??= offset;
  }

  /**
   * Buffers the batch and returns at once; a buffer at capacity (records or bytes) pauses the partition. Memory
   * stays bounded by the capacity plus one fetch (maxBytesPerPartition), and nothing fetched is thrown away to be
   * fetched again.
   */
  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const st = this.partitions.get(batch.partition);
    if (st === undefined || st.lost || st.gated || payload.isStale()) return;
    // SR-8: decoded before filtering and batching; the partition waits while the registry is down (DA-8).
    const decoded = this.options.schemas && (await decodeBatch(this.options.schemas, payload, st, this.decodeHooks));
    if (st.lost || payload.isStale() || (this.options.schemas && decoded === undefined)) return;
    const resolved = st.pushFetch(batch.topic, batch.messages, decoded);
    if (resolved !== undefined) payload.resolveOffset(resolved);
    releaseMessages(batch);
    this.applyPause(st);
    this.reportBuffered();
    st.wake();
    if (st.paused && !this.closed && [...this.partitions.values()].every((p) => p.paused))
      await this.roomWait.wait(this.options.maxWaitTimeMs ?? DEFAULT_MAX_WAIT_MS);
  }

  private readonly decodeHooks = {
    onError: (): void => this.metrics.inc('sluice_schema_registry_errors_total', this.labels),
    logger: (): Logger => this.logger,
    stopped: (): boolean => this.closed,
  };

  private applyPause(st: PartitionState): void {
    const consumer = this.consumer;
    if (consumer === undefined || st.lost) return;
    const want = st.gated || st.size >= this.capacity || st.bytes >= this.capacityBytes;
    if (want === st.paused) return;
    st.paused = want;
    const tp = [{ topic: this.options.topic, partitions: [st.partition] }];
    if (want) consumer.pause(tp);
    else {
      consumer.resume(tp);
      this.roomWait.room();
    }
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

  /** The newest records through a throwaway group (see sample.ts): this source's group is never joined for it. */
  sample(limit: number, signal: AbortSignal): ReturnType<typeof sampleTopic> {
    return sampleTopic(this.kafka, this.options.topic, limit, signal, this.options.schemas);
  }

  /** An on-failure record's offset ranges, through a throwaway group too (see sample.ts). */
  readRanges(ranges: Parameters<typeof readTopicRanges>[2], signal: AbortSignal): ReturnType<typeof readTopicRanges> {
    return readTopicRanges(this.kafka, this.options.topic, ranges, signal, this.options.schemas);
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
    return new KafkaShardReader(
      st,
      this.options.readWaitMs ?? DEFAULT_READ_WAIT_MS,
      (taken) => this.afterTake(taken),
      (position) => this.commit(shard.id, position),
    );
  }

  /** #21: the engine stopped the partition's worker; the group offset moves to the target (see seek.ts). */
  async seek(shardId: string, to: Extract<StartPosition, { type: 'AFTER' | 'AT_TIMESTAMP' }>): Promise<void> {
    const st = this.stateOf(shardId);
    if (st === undefined || !this.consumer || !this.admin) throw new ShardLostError(shardId);
    await this.committer.idle(); // the stopped worker's last commit lands first, not after the seek's
    await seekPartition(this.consumer, this.admin, this.options.topic, st, to);
  }

  /**
   * @internal Resumes as soon as the buffer is below capacity again, not at half: a paused partition is only
   * fetched again after kafkajs' next fetch round (up to maxWaitTimeMs of sleep when every partition is paused,
   * then a round trip), and waiting for half a buffer left the engine idle on an empty buffer every time.
   */
  afterTake(st: PartitionState): void {
    if (st.paused) this.applyPause(st);
    this.reportBuffered();
  }

  /** sluice_source_buffered_bytes: what this source's partition buffers hold now. */
  private reportBuffered(): void {
    let bytes = 0;
    for (const st of this.partitions.values()) bytes += st.bytes;
    this.metrics.set('sluice_source_buffered_bytes', this.labels, bytes);
  }

  stateOf(shardId: string): PartitionState | undefined {
    for (const st of this.partitions.values()) if (st.shardId === shardId) return st;
    return undefined;
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
    if (this.rebalancing) throw new SluiceError('SourceRebalancing', 'group is rebalancing', { retryable: true });
    return this.committer.add(consumer, st, offset);
  }

  /** #21 inspection: the partition's offset lag as of the last lag update (every lagIntervalMs). */
  shardLag(shardId: string): number | undefined {
    const st = this.stateOf(shardId);
    return st === undefined ? undefined : this.lags.get(st.partition);
  }

  /** KAF-19: topic-level lag = latest offset minus the group's committed offset, summed and maxed over partitions. */
  async updateLag(): Promise<{ sum: number; max: number } | undefined> {
    const admin = this.admin;
    if (admin === undefined || this.closed) return undefined;
    try {
      const { sum, max, byPartition } = await offsetLag(admin, this.options.topic, this.options.groupId);
      this.lags = byPartition;
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
    await Promise.all(this.placing);
    // Commits in flight land before the consumer leaves the group (kafkajs drops commits once stopped).
    await this.committer.idle();
    await this.consumer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    this.loseAll();
  }
}
