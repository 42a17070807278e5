// Kinesis GetRecords output → the Lambda event record (spec §5.2).
import type { _Record as KinesisSdkRecord } from '@aws-sdk/client-kinesis';
import type { StreamRecord } from '../../src/ports/sources.js';

export interface KinesisRecordContext {
  shardId: string;
  streamArn: string;
  region: string;
  invokeIdentityArn: string;
}

export function toBase64(bytes: Uint8Array | undefined): string {
  if (bytes === undefined) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function toKinesisStreamRecord(r: KinesisSdkRecord, ctx: KinesisRecordContext): StreamRecord {
  const sequenceNumber = r.SequenceNumber ?? '';
  const partitionKey = r.PartitionKey ?? '';
  const arrivalMs = r.ApproximateArrivalTimestamp?.getTime() ?? Date.now();
  const record = {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: toBase64(r.Data),
      approximateArrivalTimestamp: arrivalMs / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${ctx.shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: ctx.invokeIdentityArn,
    awsRegion: ctx.region,
    eventSourceARN: ctx.streamArn,
  };
  return {
    position: sequenceNumber,
    partitionKey,
    arrivalMs,
    sizeBytes: Buffer.byteLength(JSON.stringify(record)),
    record,
  };
}
