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

function lambdaRecord(
  ctx: KinesisRecordContext,
  partitionKey: string,
  sequenceNumber: string,
  data: string,
  approximateArrivalTimestamp: number,
): Record<string, unknown> {
  return {
    kinesis: { kinesisSchemaVersion: '1.0', partitionKey, sequenceNumber, data, approximateArrivalTimestamp },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${ctx.shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: ctx.invokeIdentityArn,
    awsRegion: ctx.region,
    eventSourceARN: ctx.streamArn,
  };
}

// JSON size of a record with empty variable fields, per context: the size of each record is then summed from its
// parts instead of serialising it (this was half the mapping cost).
const baseSizes = new WeakMap<KinesisRecordContext, number>();

function baseSize(ctx: KinesisRecordContext): number {
  let size = baseSizes.get(ctx);
  if (size === undefined) {
    size = Buffer.byteLength(JSON.stringify(lambdaRecord(ctx, '', '', '', 0))) - 1;
    baseSizes.set(ctx, size);
  }
  return size;
}

/** Bytes the record adds to the event's JSON; equals Buffer.byteLength(JSON.stringify(record)). */
function recordSize(ctx: KinesisRecordContext, pk: string, seq: string, data: string, ts: number): number {
  const plain = /^[0-9]*$/.test(seq);
  const seqBytes = plain ? seq.length : Buffer.byteLength(JSON.stringify(seq)) - 2;
  const pkBytes = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(pk) ? pk.length : Buffer.byteLength(JSON.stringify(pk)) - 2;
  return baseSize(ctx) + pkBytes + 2 * seqBytes + data.length + String(ts).length;
}

export function toKinesisStreamRecord(r: KinesisSdkRecord, ctx: KinesisRecordContext): StreamRecord {
  const sequenceNumber = r.SequenceNumber ?? '';
  const partitionKey = r.PartitionKey ?? '';
  const arrivalMs = r.ApproximateArrivalTimestamp?.getTime() ?? Date.now();
  const data = toBase64(r.Data);
  const ts = arrivalMs / 1000;
  return {
    position: sequenceNumber,
    partitionKey,
    arrivalMs,
    sizeBytes: recordSize(ctx, partitionKey, sequenceNumber, data, ts),
    record: lambdaRecord(ctx, partitionKey, sequenceNumber, data, ts),
  };
}
