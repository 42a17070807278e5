// An S3 bucket as an on-failure destination (DEST-1..6): one object per discarded batch or failed async event.
// A stream batch's object is its failure record plus `payload`, the invocation event as a JSON string (DEST-2);
// an async event's object is the invocation record as it is (DEST-4). Keys as Lambda lays them out (object-key.ts).
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DeliveryContext, Destination } from '../../src/ports/sources.js';
import { asyncKeyPrefix, objectKey, recordTimeMs, streamKeyPrefix } from './object-key.js';

export class S3Destination implements Destination {
  constructor(
    readonly arn: string,
    private readonly bucket: string,
    private readonly client: S3Client,
  ) {}

  async send(record: unknown, ctx: DeliveryContext): Promise<void> {
    if (Buffer.isBuffer(record)) throw new Error('an S3 bucket takes failure and invocation records only');
    const { batch } = ctx;
    const body = batch === undefined ? record : { ...(record as object), payload: batch.eventJson() };
    const prefix =
      batch === undefined ? asyncKeyPrefix(ctx.functionName) : streamKeyPrefix(batch.mappingId, batch.shardId);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: objectKey(prefix, recordTimeMs(record)),
        Body: JSON.stringify(body),
        ContentType: 'application/json',
      }),
    );
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }
}
