// StreamSource over a DynamoDB stream: DescribeStream for shards and lineage (STR-40/41), GetShardIterator +
// GetRecords per shard. DynamoDB Streams has no AT_TIMESTAMP iterator (and Lambda offers no such StartingPosition);
// sluice still needs one internally, to pin a LATEST start to the mapping's first start time so that a shard
// without a checkpoint never skips what arrived while sluice was down. It is emulated: TRIM_HORIZON, skipping
// records created before that second (creation times have second precision, so the start second is kept).
// DynamoDB Local rounds creation times down to the minute: a whole-minute time counts as "some time in that minute",
// so the start minute is kept there (on AWS that delivers at most the records of second :00 of it, never a gap).
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type GetShardIteratorCommandInput,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { ShardInfo, ShardReader, StartPosition, StreamRecord } from '../../src/ports/sources.js';
import {
  SOURCE_REQUEST_TIMEOUT_MS,
  madePage,
  openIteratorReader,
  pageOf,
  type IteratorPage,
} from '../_aws/iterator-reader.js';
import { AwsStreamSource, classifyThrottle } from '../_aws/stream-source.js';
import { toDynamoDbStreamRecord, type DynamoDbRecordContext } from './record.js';

/** GetRecords' own upper bound for DynamoDB Streams. */
export const DYNAMODB_STREAMS_MAX_RECORDS = 1000;

const THROTTLES = new Set(['LimitExceededException', 'ThrottlingException', 'InternalServerError']);

export interface DynamoDbSourceOptions {
  client: DynamoDBStreamsClient;
  streamArn: string;
  region: string;
  ownsClient?: boolean;
}

export function dynamoDbShardInfoOf(s: Shard): ShardInfo {
  return {
    id: s.ShardId ?? '',
    parentIds: typeof s.ParentShardId === 'string' ? [s.ParentShardId] : [],
    closed: s.SequenceNumberRange?.EndingSequenceNumber !== undefined,
  };
}

export function classifyDynamoDbStreamsError(err: unknown, action: string): Error {
  return classifyThrottle(err, THROTTLES, `DynamoDB Streams ${action}`);
}

const errorName = (err: unknown): unknown => (err as { name?: unknown } | null)?.name;

function iteratorInput(streamArn: string, shardId: string, from: StartPosition): GetShardIteratorCommandInput {
  const base = { StreamArn: streamArn, ShardId: shardId };
  switch (from.type) {
    case 'TRIM_HORIZON':
    case 'LATEST':
      return { ...base, ShardIteratorType: from.type };
    case 'AFTER':
      return { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: from.position };
    case 'AT_TIMESTAMP':
      // Emulated by the reader: from the oldest record, skipping what was created before the timestamp.
      return { ...base, ShardIteratorType: 'TRIM_HORIZON' };
  }
}

export class DynamoDbStreamSource extends AwsStreamSource {
  readonly kind = 'dynamodb';
  /** STR-3: 4 times a second per shard. */
  readonly defaultPollIntervalMs = 250;
  /** GetRecords returns at most 1 MB (or 1,000 records). */
  readonly maxReadBytes = 1024 * 1024;

  constructor(private readonly options: DynamoDbSourceOptions) {
    super(options.streamArn, 'DDBStreamBatchInfo', options.client, options.ownsClient);
  }

  async listShards(): Promise<ShardInfo[]> {
    const shards: ShardInfo[] = [];
    let start: string | undefined;
    do {
      const out = await this.options.client
        .send(new DescribeStreamCommand({ StreamArn: this.arn, ExclusiveStartShardId: start }), {
          abortSignal: AbortSignal.timeout(SOURCE_REQUEST_TIMEOUT_MS),
        })
        .catch((err: unknown) => Promise.reject(classifyDynamoDbStreamsError(err, 'DescribeStream')));
      for (const s of out.StreamDescription?.Shards ?? []) shards.push(dynamoDbShardInfoOf(s));
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);
    return shards;
  }

  open(shard: ShardInfo, from: StartPosition): Promise<ShardReader> {
    const { client } = this.options;
    const ctx: DynamoDbRecordContext = { streamArn: this.arn, region: this.options.region };
    const sinceMs = from.type === 'AT_TIMESTAMP' ? Math.floor(from.timestampMs / 1000) * 1000 : -Infinity;
    const sinceMinuteMs = Math.floor(sinceMs / 60_000) * 60_000;
    const keep = (r: StreamRecord) =>
      r.arrivalMs >= sinceMs || (r.arrivalMs % 60_000 === 0 && r.arrivalMs >= sinceMinuteMs);
    const getIterator = async (position: StartPosition, signal?: AbortSignal): Promise<string | undefined> => {
      try {
        const input = iteratorInput(this.arn, shard.id, position);
        const out = await client.send(new GetShardIteratorCommand(input), { abortSignal: signal });
        return out.ShardIterator;
      } catch (err) {
        // The checkpoint fell out of the 24 h retention: those records are gone, go on from the oldest one left.
        if (errorName(err) === 'TrimmedDataAccessException' && position.type === 'AFTER') {
          return getIterator({ type: 'TRIM_HORIZON' }, signal);
        }
        throw classifyDynamoDbStreamsError(err, 'GetShardIterator');
      }
    };
    return openIteratorReader(
      {
        getIterator,
        getRecords: async (iterator, limit, signal): Promise<IteratorPage> => {
          for (let it = iterator; ;) {
            const out = await client
              .send(new GetRecordsCommand({ ShardIterator: it, Limit: limit }), { abortSignal: signal })
              .catch((err: unknown) => Promise.reject(classifyDynamoDbStreamsError(err, 'GetRecords')));
            const page = out.Records ?? [];
            if (sinceMs === -Infinity)
              return pageOf(
                page,
                (r) => r.dynamodb?.SequenceNumber,
                (r) => toDynamoDbStreamRecord(r, ctx),
                out.NextShardIterator,
              );
            const records = page.map((r) => toDynamoDbStreamRecord(r, ctx)).filter(keep);
            // A whole page from before the start time: go on at once rather than wait as if caught up.
            if (records.length > 0 || page.length === 0 || out.NextShardIterator === undefined)
              return madePage(records, out.NextShardIterator);
            it = out.NextShardIterator;
          }
        },
        isExpired: (err) => errorName(err) === 'ExpiredIteratorException',
        // No timestamp iterator here: an expired LATEST iterator with nothing read restarts at LATEST.
        restartWithoutRecords: from,
      },
      from,
      DYNAMODB_STREAMS_MAX_RECORDS,
    );
  }
}
