// DynamoDB Streams GetRecords output → the Lambda event record (spec §5.3). Attribute values stay in
// DynamoDB JSON; the SDK's binary values (Uint8Array) go back to base64 as on the wire.
import type { AttributeValue, _Record as DynamoDbSdkRecord } from '@aws-sdk/client-dynamodb-streams';
import type { StreamRecord } from '../../src/ports/sources.js';

export interface DynamoDbRecordContext {
  streamArn: string;
  region: string;
}

export type AttributeJson = Record<string, unknown>;

const base64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

export function attributeToJson(v: AttributeValue): AttributeJson {
  if (v.B !== undefined) return { B: base64(v.B) };
  if (v.BS !== undefined) return { BS: v.BS.map(base64) };
  if (v.M !== undefined) return { M: imageToJson(v.M) };
  if (v.L !== undefined) return { L: v.L.map(attributeToJson) };
  if (v.S !== undefined) return { S: v.S };
  if (v.N !== undefined) return { N: v.N };
  if (v.SS !== undefined) return { SS: v.SS };
  if (v.NS !== undefined) return { NS: v.NS };
  if (v.NULL !== undefined) return { NULL: v.NULL };
  if (v.BOOL !== undefined) return { BOOL: v.BOOL };
  const unknown: [string, unknown] | undefined = v.$unknown;
  return unknown === undefined ? {} : { [unknown[0]]: unknown[1] };
}

export function imageToJson(image: Record<string, AttributeValue>): Record<string, AttributeJson> {
  const out: Record<string, AttributeJson> = {};
  for (const [name, value] of Object.entries(image)) out[name] = attributeToJson(value);
  return out;
}

/** A stable string for an item's keys (names sorted), so lanes keep per-item order (D-2, STR-6). */
export function keysPartitionKey(keys: Record<string, AttributeJson>): string {
  return JSON.stringify(
    Object.keys(keys)
      .sort()
      .map((k) => [k, keys[k]]),
  );
}

export function toDynamoDbStreamRecord(r: DynamoDbSdkRecord, ctx: DynamoDbRecordContext): StreamRecord {
  const d = r.dynamodb ?? {};
  const keys = imageToJson(d.Keys ?? {});
  const sequenceNumber = d.SequenceNumber ?? '';
  const createdMs = d.ApproximateCreationDateTime?.getTime() ?? Date.now();
  const record: Record<string, unknown> = {
    eventID: r.eventID ?? '',
    eventName: r.eventName ?? '',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: ctx.region,
    dynamodb: {
      ApproximateCreationDateTime: createdMs / 1000,
      Keys: keys,
      ...(d.NewImage === undefined ? {} : { NewImage: imageToJson(d.NewImage) }),
      ...(d.OldImage === undefined ? {} : { OldImage: imageToJson(d.OldImage) }),
      SequenceNumber: sequenceNumber,
      SizeBytes: d.SizeBytes ?? 0,
      StreamViewType: d.StreamViewType ?? '',
    },
    eventSourceARN: ctx.streamArn,
  };
  // Only TTL deletions carry an identity (§5.3).
  if (r.userIdentity !== undefined) {
    record.userIdentity = { type: r.userIdentity.Type, principalId: r.userIdentity.PrincipalId };
  }
  const json = JSON.stringify(record);
  return {
    position: sequenceNumber,
    partitionKey: keysPartitionKey(keys),
    arrivalMs: createdMs,
    sizeBytes: Buffer.byteLength(json),
    record,
    json,
  };
}
