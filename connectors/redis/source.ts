// A Redis stream as a StreamSource with one shard (the stream key). Ownership across sluice processes comes from
// a Redis consumer group: each process is a consumer; entries are acknowledged (XACK) only through the shard reader's
// commit, after the engine is done with them. On open the consumer first re-reads its own pending
// entries (a restart resumes where it stopped), then entries of dead consumers are taken over with XAUTOCLAIM
// after `claimIdleMs`, then new entries are read with XREADGROUP '>'. Entries this process still holds are kept
// fresh (XCLAIM JUSTID to itself) so a batch stuck retrying is not claimed away by another process.
import type { Redis } from 'ioredis';
import type { Logger } from '../../src/ports/logger.js';
import type {
  ReadResult,
  ShardInfo,
  ShardReader,
  StartPosition,
  StreamEvents,
  ShardRecord,
  StreamRecord,
  StreamSource,
} from '../../src/ports/sources.js';
import {
  entriesOfBufferRead,
  entriesOfRead,
  redisEvents,
  redisRecordShape,
  type RawEntry,
  type RedisRecordShape,
} from './event.js';
import { HeldEntries } from './held-entries.js';
import { packEntries, type Entry } from './read-pack.js';
import { quitWithin } from '../../src/ports/quit.js';
import { groupLag } from './lag.js';
import { pingWithin } from './redis-health.js';
import { sampleStreamKey } from './sample.js';

export interface RedisSourceOptions {
  streamKey: string;
  group: string;
  consumer: string;
  region: string;
  startingPosition: StartPosition;
  partitionKeyField?: string;
  /** XREADGROUP BLOCK for new entries. */
  blockMs?: number;
  /** Pending entries idle this long belong to a dead consumer and are claimed. */
  claimIdleMs?: number;
  /** How often to look for such entries. */
  claimIntervalMs?: number;
  /** The engine leases the key to one process at a time (all processes then share one consumer name). */
  leased?: boolean;
}

const DEFAULT_BLOCK_MS = 100;
const DEFAULT_CLAIM_IDLE_MS = 60_000;
const CHUNK = 500;

export function groupStartId(from: StartPosition): string {
  switch (from.type) {
    case 'LATEST':
      return '$';
    case 'AT_TIMESTAMP':
      // The group's last-delivered id: everything from timestampMs on is delivered.
      return from.timestampMs > 0 ? `${from.timestampMs - 1}-18446744073709551615` : '0';
    default:
      // TRIM_HORIZON, or AFTER when the group vanished: replay rather than skip.
      return '0';
  }
}

export class RedisStreamSource implements StreamSource {
  readonly kind = 'redis';
  readonly arn: string;
  /** The consumer group keeps the position: readers XACK what is done. */
  readonly positions = 'source';
  readonly events: StreamEvents;
  /** An empty read has already blocked blockMs in XREADGROUP: read again at once (none without a block). */
  readonly idlePollMs: number | undefined;
  /** Entries handed to the engine and not yet acknowledged, in delivery order. */
  private readonly delivered = new HeldEntries();
  private groupReady: Promise<void> | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private closed = false;
  private lag: number | undefined;
  private lagging: Promise<void> | undefined;
  /** The parts of every record's JSON that depend on the key and region only. */
  private readonly shape: RedisRecordShape;

  constructor(
    /** For XACK, XAUTOCLAIM, XGROUP. */
    private readonly cmd: Redis,
    /** For blocking XREADGROUP only, so a block never delays an ack. */
    private readonly blocking: Redis,
    private readonly options: RedisSourceOptions,
    private readonly logger: Logger,
  ) {
    this.arn = `redis://${options.streamKey}`;
    this.idlePollMs = (options.blockMs ?? DEFAULT_BLOCK_MS) > 0 ? 0 : undefined;
    this.events = redisEvents(this.arn);
    this.shape = redisRecordShape(options.streamKey, options.region);
    const idle = options.claimIdleMs ?? DEFAULT_CLAIM_IDLE_MS;
    this.keepalive = setInterval(() => void this.refreshHeld(idle), Math.max(50, idle / 3));
    this.keepalive.unref();
  }

  get leasedShards(): boolean {
    return this.options.leased === true;
  }

  get streamKey(): string {
    return this.options.streamKey;
  }

  get heldCount(): number {
    return this.delivered.size;
  }

  /** One shard, the key; a Redis that does not answer fails the listing, so the mapping reports it (readiness). */
  async listShards(): Promise<ShardInfo[]> {
    await pingWithin(this.cmd);
    return [{ id: this.options.streamKey, parentIds: [] }];
  }

  /** The newest entries, read past the consumer group (XREVRANGE): nothing is delivered or acknowledged. */
  sample(limit: number): Promise<ShardRecord[]> {
    const { streamKey, region, partitionKeyField } = this.options;
    return sampleStreamKey(this.cmd, streamKey, limit, region, partitionKeyField);
  }

  /** #21 inspection: the group's unprocessed entries as of the last look (each call starts the next one). */
  shardLag(): number | undefined {
    if (!this.closed)
      this.lagging ??= groupLag(this.cmd, this.options.streamKey, this.options.group)
        .then(
          (n) => void (this.lag = n),
          () => undefined,
        )
        .finally(() => (this.lagging = undefined));
    return this.lag;
  }

  /** XGROUP CREATE ... MKSTREAM; an existing group keeps its position (like a Kafka group offset). */
  ensureGroup(from: StartPosition): Promise<void> {
    this.groupReady ??= this.cmd
      .call('XGROUP', 'CREATE', this.options.streamKey, this.options.group, groupStartId(from), 'MKSTREAM')
      .then(
        () => undefined,
        (err: unknown) => {
          if (err instanceof Error && err.message.startsWith('BUSYGROUP')) return;
          this.groupReady = undefined;
          throw err;
        },
      );
    return this.groupReady;
  }

  async open(_shard: ShardInfo, from: StartPosition): Promise<ShardReader> {
    await this.ensureGroup(from);
    // A fresh worker holds nothing: forget what an earlier worker was handed so the pending re-read returns it.
    // A reopen (AFTER) keeps them: the engine still has those records in flight.
    if (from.type !== 'AFTER') this.delivered.clear();
    return new RedisShardReader(this, this.options);
  }

  /**
   * @internal Turns raw entries into records, skipping ones the engine holds and acking deleted ones. `fresh`: a
   * read of new entries ('>'), which the group never delivered before, so none can be held already.
   */
  async accept(entries: readonly RawEntry[], fresh = false): Promise<StreamRecord[]> {
    const kept: Entry[] = [];
    const gone: string[] = [];
    const held = fresh || this.delivered.size === 0 ? undefined : this.delivered.snapshot();
    const { partitionKeyField } = this.options;
    for (let i = 0; i < entries.length; i++) {
      const [id, flat] = entries[i]!;
      if (held?.has(id)) continue;
      if (flat === null) {
        // Deleted or trimmed while pending: nothing left to process.
        gone.push(id);
        continue;
      }
      this.delivered.add(id);
      kept.push([id, flat]);
    }
    // One off-heap slab per read (see JsonStreamRecord), written straight from the entries (read-pack.ts).
    const out = packEntries(this.shape, kept, partitionKeyField);
    if (gone.length > 0) await this.xack(gone);
    return out;
  }

  /** @internal */
  get redis(): { cmd: Redis; blocking: Redis } {
    return { cmd: this.cmd, blocking: this.blocking };
  }

  /** Acknowledges every entry delivered up to and including `position`, in delivery order. */
  async ackThrough(position: string): Promise<void> {
    const ids = this.delivered.through(position);
    if (ids === undefined) return;
    await this.xack(ids);
    this.delivered.dropThrough(position);
  }

  private async xack(ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK)
      await this.cmd.call('XACK', this.options.streamKey, this.options.group, ...ids.slice(i, i + CHUNK));
  }

  /** Resets the idle time of entries this process holds, so XAUTOCLAIM elsewhere leaves them alone. */
  private async refreshHeld(idleMs: number): Promise<void> {
    if (this.closed || this.delivered.size === 0) return;
    const ids = this.delivered.list();
    const { streamKey, group, consumer } = this.options;
    try {
      for (let i = 0; i < ids.length; i += CHUNK)
        await this.cmd.call(
          'XCLAIM',
          streamKey,
          group,
          consumer,
          String(Math.floor(idleMs / 6)),
          ...ids.slice(i, i + CHUNK),
          'JUSTID',
        );
    } catch (err) {
      this.logger.warn({ err }, 'refreshing held redis entries failed');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.keepalive !== undefined) clearInterval(this.keepalive);
    this.blocking.disconnect();
    await quitWithin(this.cmd);
  }
}

type Phase = 'pending' | 'new';

class RedisShardReader implements ShardReader {
  private phase: Phase = 'pending';
  private pendingCursor = '0';
  private claimCursor = '0-0';
  private nextClaimAt = 0;

  constructor(
    private readonly source: RedisStreamSource,
    private readonly options: RedisSourceOptions,
  ) {}

  async read(limit: number, signal: AbortSignal): Promise<ReadResult> {
    const count = Math.max(1, limit);
    if (this.phase === 'pending') {
      const records = await this.readPending(count);
      if (records.length > 0) return { records, endOfShard: false };
    }
    if (Date.now() >= this.nextClaimAt) {
      const records = await this.claim(count);
      if (records.length > 0) return { records, endOfShard: false };
    }
    if (signal.aborted) return { records: [], endOfShard: false };
    return { records: await this.readNew(count), endOfShard: false };
  }

  /** XACK of every entry handed out up to `position` (the engine's done prefix). */
  commit(position: string): Promise<void> {
    return this.source.ackThrough(position);
  }

  /** This consumer's own pending entries (XREADGROUP with an id, not '>'), from before a restart. */
  private async readPending(count: number): Promise<StreamRecord[]> {
    const { cmd } = this.source.redis;
    const { streamKey, group, consumer } = this.options;
    for (;;) {
      const reply = await cmd.call(
        'XREADGROUP',
        'GROUP',
        group,
        consumer,
        'COUNT',
        count,
        'STREAMS',
        streamKey,
        this.pendingCursor,
      );
      const entries = entriesOfRead(reply);
      if (entries.length === 0) {
        this.phase = 'new';
        return [];
      }
      this.pendingCursor = entries[entries.length - 1]![0];
      const records = await this.source.accept(entries);
      if (records.length > 0) return records;
    }
  }

  /** XAUTOCLAIM (Redis >= 7 returns cursor, entries, deleted ids) of entries idle past claimIdleMs. */
  private async claim(count: number): Promise<StreamRecord[]> {
    const { cmd } = this.source.redis;
    const { streamKey, group, consumer } = this.options;
    const idle = this.options.claimIdleMs ?? DEFAULT_CLAIM_IDLE_MS;
    const reply = (await cmd.call(
      'XAUTOCLAIM',
      streamKey,
      group,
      consumer,
      idle,
      this.claimCursor,
      'COUNT',
      count,
    )) as [string, RawEntry[], string[]?];
    const [cursor, entries] = reply;
    this.claimCursor = cursor;
    if (cursor === '0-0') this.nextClaimAt = Date.now() + (this.options.claimIntervalMs ?? idle / 2);
    return this.source.accept(entries);
  }

  private async readNew(count: number): Promise<StreamRecord[]> {
    const { blocking } = this.source.redis;
    const { streamKey, group, consumer } = this.options;
    const block = this.options.blockMs ?? DEFAULT_BLOCK_MS;
    // Fields as Buffers: read-pack.ts writes plain ones into the record JSON without a string each (byte-fields.ts).
    const reply = await blocking.callBuffer(
      'XREADGROUP',
      'GROUP',
      group,
      consumer,
      'COUNT',
      count,
      ...(block > 0 ? ['BLOCK', block] : []),
      'STREAMS',
      streamKey,
      '>',
    );
    return this.source.accept(entriesOfBufferRead(reply), true);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
