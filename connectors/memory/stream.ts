// An in-process stream with Kinesis's model: shards chosen by partition key, increasing sequence numbers,
// retention. Records look like Kinesis records (§5.2) so Kinesis handlers run unchanged.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import type {
  ReadResult,
  ShardInfo,
  ShardReader,
  StartPosition,
  StreamRecord,
  StreamSource,
} from '../../src/ports/sources.js';
import { awsStreamEvents } from '../_aws/stream-source.js';
import { MemoryQuota } from './quota.js';

interface Entry {
  seq: string;
  partitionKey: string;
  data: Buffer;
  arrivalMs: number;
}

export interface MemoryStreamOptions {
  shards: number;
  retentionMs: number;
  region: string;
  now?: () => number;
  /** Shared cap of the broker; unlimited by default. */
  quota?: MemoryQuota;
}

/** A record as `peek` shows it. */
export interface PeekedRecord {
  ShardId: string;
  SequenceNumber: string;
  PartitionKey: string;
  ApproximateArrivalTimestamp: number;
  Data?: string;
  DataBase64?: string;
}

const SEQ_WIDTH = 20;

/**
 * Index of the first entry whose sequence number sorts after `seq` (shard.length when none). Sequence numbers are
 * increasing and fixed-width, so a binary search: a linear scan per read made a large backlog quadratic.
 */
function firstAfter(shard: readonly Entry[], seq: string): number {
  let lo = 0;
  let hi = shard.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((shard[mid] as Entry).seq > seq) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class MemoryStream {
  private readonly shards: Entry[][];
  private counter = 0;
  private readonly now: () => number;
  private readonly quota: MemoryQuota;

  constructor(
    readonly name: string,
    readonly arn: string,
    private readonly options: MemoryStreamOptions,
  ) {
    this.shards = Array.from({ length: Math.max(1, options.shards) }, () => []);
    this.now = options.now ?? Date.now;
    this.quota = options.quota ?? new MemoryQuota();
  }

  shardId(i: number): string {
    return `shardId-${String(i).padStart(12, '0')}`;
  }

  put(partitionKey: string, data: Buffer): { shardId: string; sequenceNumber: string } {
    const digest = createHash('md5').update(partitionKey).digest();
    const index = digest.readUInt32BE(0) % this.shards.length;
    const shard = this.shards[index] as Entry[];
    this.trim(shard);
    this.quota.take(data.length);
    const seq = String(++this.counter).padStart(SEQ_WIDTH, '0');
    shard.push({ seq, partitionKey, data, arrivalMs: this.now() });
    return { shardId: this.shardId(index), sequenceNumber: seq };
  }

  /** The last `limit` records of each shard, oldest first; data as UTF-8 text when it is, else base64. */
  peek(limit: number): PeekedRecord[] {
    return this.shards.flatMap((shard, i) =>
      shard.slice(-limit).map((e) => ({
        ShardId: this.shardId(i),
        SequenceNumber: e.seq,
        PartitionKey: e.partitionKey,
        ApproximateArrivalTimestamp: e.arrivalMs,
        ...(isUtf8(e.data) ? { Data: e.data.toString('utf8') } : { DataBase64: e.data.toString('base64') }),
      })),
    );
  }

  private trim(shard: Entry[]): void {
    const oldest = this.now() - this.options.retentionMs;
    while (shard.length > 0 && (shard[0] as Entry).arrivalMs < oldest)
      this.quota.give((shard.shift() as Entry).data.length);
  }

  private toRecord(shardId: string, e: Entry): StreamRecord {
    const record = {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: e.partitionKey,
        sequenceNumber: e.seq,
        data: e.data.toString('base64'),
        approximateArrivalTimestamp: e.arrivalMs / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shardId}:${e.seq}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/sluice',
      awsRegion: this.options.region,
      eventSourceARN: this.arn,
    };
    const json = JSON.stringify(record);
    return {
      position: e.seq,
      partitionKey: e.partitionKey,
      arrivalMs: e.arrivalMs,
      sizeBytes: Buffer.byteLength(json),
      record,
      json,
    };
  }

  private startIndex(shard: Entry[], from: StartPosition): number {
    switch (from.type) {
      case 'TRIM_HORIZON':
        return 0;
      case 'LATEST':
        return shard.length;
      case 'AT_TIMESTAMP': {
        const i = shard.findIndex((e) => e.arrivalMs >= from.timestampMs);
        return i === -1 ? shard.length : i;
      }
      case 'AFTER': {
        return firstAfter(shard, from.position);
      }
    }
  }

  source(): StreamSource {
    return {
      kind: 'memory',
      arn: this.arn,
      positions: 'engine',
      // Kinesis-shaped records, so Kinesis's event and on-failure record.
      events: awsStreamEvents(this.arn, 'KinesisBatchInfo'),
      listShards: () =>
        Promise.resolve(this.shards.map((_s, i): ShardInfo => ({ id: this.shardId(i), parentIds: [] }))),
      open: (info, from) => {
        const index = Number(info.id.replace('shardId-', ''));
        const shard = this.shards[index];
        if (shard === undefined) return Promise.reject(new Error(`no shard ${info.id} in ${this.name}`));
        this.trim(shard);
        // Position-based (not index-based) so trimming never shifts the cursor.
        const first = shard[this.startIndex(shard, from)];
        let after: string | undefined = first === undefined ? (shard.at(-1)?.seq ?? '') : undefined;
        if (first !== undefined) after = String(BigInt(first.seq) - 1n).padStart(SEQ_WIDTH, '0');
        const reader: ShardReader = {
          read: (limit): Promise<ReadResult> => {
            this.trim(shard);
            const start = firstAfter(shard, after ?? '');
            const slice = shard.slice(start, start + limit);
            const last = slice.at(-1);
            if (last !== undefined) after = last.seq;
            const newest = shard.at(-1);
            return Promise.resolve({
              records: slice.map((e) => this.toRecord(info.id, e)),
              endOfShard: false,
              millisBehindLatest: newest === undefined || last === undefined ? 0 : newest.arrivalMs - last.arrivalMs,
            });
          },
          close: () => Promise.resolve(),
        };
        return Promise.resolve(reader);
      },
      close: () => Promise.resolve(),
    };
  }
}
