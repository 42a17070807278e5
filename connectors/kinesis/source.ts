// StreamSource over a Kinesis data stream with the standard (polling) iterator: ListShards for lineage,
// GetShardIterator + GetRecords per shard (STR-1). Streams are addressed by name because emulators such as
// kinesalite accept no StreamARN; the client's account and region select the stream.
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { ShardInfo, ShardReader, StartPosition } from '../../src/ports/sources.js';
import {
  NO_ITERATOR_YET,
  SOURCE_REQUEST_TIMEOUT_MS,
  openIteratorReader,
  pageOf,
  type IteratorPage,
} from '../_aws/iterator-reader.js';
import { AwsStreamSource, classifyThrottle } from '../_aws/stream-source.js';
import { toKinesisStreamRecord, type KinesisRecordContext } from './record.js';

/** GetRecords' own upper bound. */
export const KINESIS_MAX_RECORDS = 10_000;

/**
 * How long an AT_TIMESTAMP GetShardIterator may take. kinesalite (3.3.3) never answers one while no record of the
 * shard is that new, so a LATEST mapping (pinned to its start time) on a quiet stream waits here: the wait ends as
 * "no iterator yet" (an empty read) and the next read asks again, which finds the first record once there is one.
 * AWS answers at once.
 */
export const AT_TIMESTAMP_WAIT_MS = 2_000;

const THROTTLES = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
]);

export interface KinesisSourceOptions {
  client: KinesisClient;
  streamArn: string;
  streamName: string;
  region: string;
  invokeIdentityArn: string;
  /** Destroy the client on close (false when the caller shares it). */
  ownsClient?: boolean;
  /** Default AT_TIMESTAMP_WAIT_MS. */
  atTimestampWaitMs?: number;
}

export function shardInfoOf(s: Shard): ShardInfo {
  const parentIds = [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => typeof p === 'string');
  return {
    id: s.ShardId ?? '',
    parentIds,
    closed: s.SequenceNumberRange?.EndingSequenceNumber !== undefined,
  };
}

/** Throttling becomes a retryable SluiceError so the engine backs off instead of failing the shard. */
export function classifyKinesisError(err: unknown, action: string): Error {
  return classifyThrottle(err, THROTTLES, `Kinesis ${action}`);
}

function iteratorInput(streamName: string, shardId: string, from: StartPosition): GetShardIteratorCommandInput {
  const base = { StreamName: streamName, ShardId: shardId };
  switch (from.type) {
    case 'TRIM_HORIZON':
    case 'LATEST':
      return { ...base, ShardIteratorType: from.type };
    case 'AT_TIMESTAMP':
      return { ...base, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(from.timestampMs) };
    case 'AFTER':
      return { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: from.position };
  }
}

export class KinesisStreamSource extends AwsStreamSource {
  readonly kind = 'kinesis';
  /** STR-1: once a second per shard. */
  readonly defaultPollIntervalMs = 1000;
  /** GetRecords returns at most 10 MiB (or 10,000 records). */
  readonly maxReadBytes = 10 * 1024 * 1024;

  constructor(private readonly options: KinesisSourceOptions) {
    super(options.streamArn, 'KinesisBatchInfo', options.client, options.ownsClient);
  }

  async listShards(): Promise<ShardInfo[]> {
    const shards: ShardInfo[] = [];
    let nextToken: string | undefined;
    do {
      // ListShards rejects StreamName together with NextToken.
      const input = nextToken === undefined ? { StreamName: this.options.streamName } : { NextToken: nextToken };
      const out = await this.options.client
        .send(new ListShardsCommand(input), { abortSignal: AbortSignal.timeout(SOURCE_REQUEST_TIMEOUT_MS) })
        .catch((err: unknown) => Promise.reject(classifyKinesisError(err, 'ListShards')));
      for (const s of out.Shards ?? []) shards.push(shardInfoOf(s));
      nextToken = out.NextToken;
    } while (nextToken !== undefined);
    return shards;
  }

  open(shard: ShardInfo, from: StartPosition): Promise<ShardReader> {
    const { client, streamName } = this.options;
    const atTimestampWaitMs = this.options.atTimestampWaitMs ?? AT_TIMESTAMP_WAIT_MS;
    const ctx: KinesisRecordContext = {
      shardId: shard.id,
      streamArn: this.options.streamArn,
      region: this.options.region,
      invokeIdentityArn: this.options.invokeIdentityArn,
    };
    // An expired LATEST iterator with nothing read yet restarts at the moment the reader opened, so records
    // that arrived while nobody polled are not skipped.
    const openedAt = Date.now();
    return openIteratorReader(
      {
        getIterator: async (position, signal) => {
          const atTimestamp = position.type === 'AT_TIMESTAMP';
          const wait = atTimestamp ? AbortSignal.timeout(atTimestampWaitMs) : undefined;
          try {
            const out = await client.send(new GetShardIteratorCommand(iteratorInput(streamName, shard.id, position)), {
              abortSignal: wait ? AbortSignal.any([signal, wait]) : signal,
            });
            return out.ShardIterator;
          } catch (err) {
            if (wait?.aborted && !signal.aborted) return NO_ITERATOR_YET;
            throw classifyKinesisError(err, 'GetShardIterator');
          }
        },
        getRecords: async (iterator, limit, signal): Promise<IteratorPage> => {
          const out = await client
            .send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }), { abortSignal: signal })
            .catch((err: unknown) => Promise.reject(classifyKinesisError(err, 'GetRecords')));
          return pageOf(
            out.Records ?? [],
            (r) => r.SequenceNumber,
            (r) => toKinesisStreamRecord(r, ctx),
            out.NextShardIterator,
            out.MillisBehindLatest,
          );
        },
        isExpired: (err) => (err as { name?: unknown } | null)?.name === 'ExpiredIteratorException',
        restartWithoutRecords: from.type === 'LATEST' ? { type: 'AT_TIMESTAMP', timestampMs: openedAt } : from,
      },
      from,
      KINESIS_MAX_RECORDS,
    );
  }
}
