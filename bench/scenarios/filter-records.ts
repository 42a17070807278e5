// Synthetic records of each source kind for the filter benchmark: one payload, placed where each source keeps it.

/** The record shapes the benchmark builds: a connector's kind, or generic records matched as they are. */
export type SourceKind = 'sqs' | 'kinesis' | 'dynamodb' | 'kafka' | 'generic';

export interface Payload {
  type: string;
  amount: number;
  region: string;
  file: string;
  user: string;
}

const TYPES = ['order', 'refund', 'void', 'update'];
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-south-1'];

function payload(i: number): Payload {
  return {
    type: TYPES[i % 4] as string,
    amount: (i * 37) % 1000,
    region: REGIONS[(i >> 2) % 4] as string,
    file: i % 3 === 0 ? `img/${i}.png` : `doc/${i}.pdf`,
    user: `user-${i % 997}`,
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export function record(kind: SourceKind, i: number): Record<string, unknown> {
  const p = payload(i);
  const json = JSON.stringify(p);
  switch (kind) {
    case 'sqs':
      return {
        messageId: `m-${i}`,
        receiptHandle: `rh-${i}`,
        body: json,
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000' },
        messageAttributes: {},
        md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q',
        awsRegion: 'us-east-1',
      };
    case 'kinesis':
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: p.user,
          sequenceNumber: String(49590338271490256608559692538361571095921575989136588898n + BigInt(i)),
          data: b64(json),
          approximateArrivalTimestamp: 1700000000.123,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${i}`,
        eventName: 'aws:kinesis:record',
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
      };
    case 'dynamodb':
      return {
        eventID: String(i),
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          Keys: { user: { S: p.user } },
          NewImage: Object.fromEntries(
            Object.entries(p).map(([k, v]: [string, string | number]) => [
              k,
              typeof v === 'number' ? { N: String(v) } : { S: v },
            ]),
          ),
          SequenceNumber: String(i),
          SizeBytes: p.amount,
          StreamViewType: 'NEW_IMAGE',
        },
      };
    case 'kafka':
      return {
        topic: 'orders',
        partition: 0,
        offset: i,
        timestamp: 1700000000000,
        timestampType: 'CREATE_TIME',
        key: b64(p.user),
        value: b64(json),
        headers: [],
      };
    case 'generic':
      return { id: `${i}-0`, fields: p };
  }
}
