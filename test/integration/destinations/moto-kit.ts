// Test-side access to the moto server (S3, SNS, EventBridge, and its own SQS where SNS subscriptions and rule
// targets deliver): clients, unique targets and readers that wait (generous bounds) for what arrived.
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { server, uniqueName } from '../../services/inject.js';
import { CREDENTIALS, REGION } from '../../services/types.js';

/** moto's default account. */
export const MOTO_ACCOUNT = '123456789012';
export { REGION };

export const motoEndpoint = (): string => server('moto').endpoint;

/** A sluice connection (any AWS type) to moto. */
export const motoConnection = (type: 's3' | 'sns' | 'eventbridge' | 'sqs', endpoint = motoEndpoint()) => ({
  type,
  endpoint,
  region: REGION,
  credentials: { ...CREDENTIALS },
});

// Every helper takes the endpoint of a moto a test started itself, else uses the shared one.
const aws = (endpoint = motoEndpoint()) => ({ endpoint, region: REGION, credentials: { ...CREDENTIALS } });
export const s3 = (endpoint?: string) => new S3Client({ ...aws(endpoint), forcePathStyle: true });
export const sns = (endpoint?: string) => new SNSClient(aws(endpoint));
export const events = (endpoint?: string) => new EventBridgeClient(aws(endpoint));
export const motoSqs = (endpoint?: string) => new SQSClient(aws(endpoint));

const deadlineMs = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createBucket(
  endpoint?: string,
  name = uniqueName('bucket').toLowerCase(),
): Promise<{ name: string; arn: string }> {
  const c = s3(endpoint);
  await c.send(new CreateBucketCommand({ Bucket: name }));
  c.destroy();
  return { name, arn: `arn:aws:s3:::${name}` };
}

/** The bucket's objects (key and parsed JSON body), once at least `want` are there. */
export async function objects(
  bucket: string,
  want: number,
  endpoint?: string,
): Promise<Array<{ key: string; body: unknown }>> {
  const c = s3(endpoint);
  try {
    for (const deadline = Date.now() + deadlineMs; ; await sleep(100)) {
      const listed = await c.send(new ListObjectsV2Command({ Bucket: bucket }));
      const keys = (listed.Contents ?? []).map((o) => o.Key!);
      if (keys.length >= want || Date.now() > deadline) {
        const out = [];
        for (const key of keys.sort()) {
          const got = await c.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          out.push({ key, body: JSON.parse(await got.Body!.transformToString()) as unknown });
        }
        return out;
      }
    }
  } finally {
    c.destroy();
  }
}

/** A queue in moto; `read(want)` drains it until `want` bodies have arrived in all. */
export async function motoQueue(endpoint?: string): Promise<{ arn: string; read(want: number): Promise<string[]> }> {
  const c = motoSqs(endpoint);
  const url = (await c.send(new CreateQueueCommand({ QueueName: uniqueName('q') }))).QueueUrl!;
  const attrs = await c.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const got: string[] = [];
  return {
    arn: attrs.Attributes!.QueueArn!,
    async read(want) {
      for (const deadline = Date.now() + deadlineMs; got.length < want && Date.now() < deadline;) {
        const out = await c.send(
          new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        const msgs = out.Messages ?? [];
        got.push(...msgs.map((m) => m.Body ?? ''));
        if (msgs.length > 0)
          await c.send(
            new DeleteMessageBatchCommand({
              QueueUrl: url,
              Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
          );
      }
      return [...got];
    },
  };
}

/** An SNS topic with a moto queue subscribed; `read` gives SNS's notification envelopes. */
export async function topicWithQueue(
  endpoint?: string,
  name = uniqueName('topic'),
): Promise<{ arn: string; read(want: number): Promise<SnsNotification[]> }> {
  const c = sns(endpoint);
  const arn = (await c.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
  const q = await motoQueue(endpoint);
  await c.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: q.arn }));
  c.destroy();
  return { arn, read: async (want) => (await q.read(want)).map((b) => JSON.parse(b) as SnsNotification) };
}

export interface SnsNotification {
  Type: string;
  Message: string;
  Subject?: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** An event bus whose rule (source `source`) targets a moto queue; `read` gives the events as rules see them. */
export async function busWithQueue(
  source = 'lambda',
): Promise<{ arn: string; read(want: number): Promise<BusEvent[]> }> {
  const c = events();
  const name = uniqueName('bus');
  const arn = (await c.send(new CreateEventBusCommand({ Name: name }))).EventBusArn!;
  const q = await motoQueue();
  const rule = uniqueName('rule');
  await c.send(
    new PutRuleCommand({ Name: rule, EventBusName: name, EventPattern: JSON.stringify({ source: [source] }) }),
  );
  await c.send(new PutTargetsCommand({ Rule: rule, EventBusName: name, Targets: [{ Id: 'q', Arn: q.arn }] }));
  c.destroy();
  return { arn, read: async (want) => (await q.read(want)).map((b) => JSON.parse(b) as BusEvent) };
}

export interface BusEvent {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}
