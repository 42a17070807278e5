// What the Kinesis and DynamoDB Streams sources share: the engine keeps their positions (state-store checkpoints),
// their event is `{ Records }` of the records as built, a record's batch-item identifier is its sequence number,
// the on-failure record carries the Kinesis-shaped batch info (§3.7), throttles are retryable, and close destroys
// the client the source owns.
import { SluiceError, externalCode } from '../../src/ports/errors.js';
import type { ShardInfo, ShardReader, StartPosition, StreamEvents, StreamSource } from '../../src/ports/sources.js';
import { recordsEvent } from '../../src/ports/event-json.js';
import { buildStreamBatchInfo } from '../../src/ports/stream-batch-info.js';

/** DDBStreamBatchInfo writes arrival times with second precision (STR-29). */
export type AwsBatchInfoKey = 'KinesisBatchInfo' | 'DDBStreamBatchInfo';

export function awsStreamEvents(streamArn: string, batchInfoKey: AwsBatchInfoKey): StreamEvents {
  const secondPrecision = batchInfoKey === 'DDBStreamBatchInfo';
  return {
    event: (_shard, records) => recordsEvent(records),
    itemIdentifier: (record) => record.position,
    failureInfo: (shard, records) => ({
      [batchInfoKey]: buildStreamBatchInfo(shard.id, streamArn, records, secondPrecision),
    }),
  };
}

/** A throttle (by error name) becomes a retryable SluiceError so the engine backs off instead of failing the shard. */
export function classifyThrottle(err: unknown, throttles: ReadonlySet<string>, what: string): Error {
  const name = (err as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && throttles.has(name)) {
    return new SluiceError(externalCode(name), `${what} throttled: ${(err as Error).message}`, {
      retryable: true,
      cause: err,
    });
  }
  return err instanceof Error ? err : new Error(String(err));
}

export abstract class AwsStreamSource implements StreamSource {
  abstract readonly kind: string;
  readonly positions = 'engine';
  readonly events: StreamEvents;

  constructor(
    readonly arn: string,
    batchInfoKey: AwsBatchInfoKey,
    private readonly client: { destroy(): void },
    /** Destroy the client on close (false when the caller shares it). */
    private readonly ownsClient: boolean | undefined,
  ) {
    this.events = awsStreamEvents(arn, batchInfoKey);
  }

  abstract listShards(): Promise<ShardInfo[]>;
  abstract open(shard: ShardInfo, from: StartPosition): Promise<ShardReader>;

  close(): Promise<void> {
    if (this.ownsClient !== false) this.client.destroy();
    return Promise.resolve();
  }
}
