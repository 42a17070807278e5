// --create-resources: the template's SQS queues (dead-letter queues first, so a RedrivePolicy names an existing
// one), Kinesis streams, DynamoDB tables with their streams and the Kafka topics of its mappings, on the local
// servers of the endpoints (SNS topics, EventBridge buses and S3 buckets: create-destinations.ts). Idempotent: what
// exists is kept (a queue's attributes are set again).
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, GetQueueUrlCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Kafka, logLevel } from 'kafkajs';
import { createDestinations } from './create-destinations.js';
import type { Endpoints, QueueResource, TableResource, TemplateResources } from './types.js';

// Emulators check no signature; real keys never go to them.
const aws = (endpoint: string, region: string) => ({
  endpoint,
  region,
  credentials: { accessKeyId: 'sluice', secretAccessKey: 'sluice' },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, done: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

const nameOf = (e: unknown): string => (e as { name?: string }).name ?? '';

/** Queues a RedrivePolicy names come before the queues that name them. */
function inCreationOrder(queues: QueueResource[]): QueueResource[] {
  const dlqs = new Set(
    queues.map((q) => /"deadLetterTargetArn":"([^"]+)"/.exec(q.attributes.RedrivePolicy ?? '')?.[1]),
  );
  return [...queues.filter((q) => dlqs.has(q.arn)), ...queues.filter((q) => !dlqs.has(q.arn))];
}

async function createQueues(queues: QueueResource[], endpoint: string, region: string, log: (s: string) => void) {
  const sqs = new SQSClient(aws(endpoint, region));
  try {
    for (const q of inCreationOrder(queues)) {
      try {
        await sqs.send(new CreateQueueCommand({ QueueName: q.name, Attributes: q.attributes }));
        log(`queue ${q.name}`);
      } catch (err) {
        if (!/QueueAlreadyExists|QueueNameExists/.test(nameOf(err))) throw err;
        // The attributes of an existing queue are brought in line, except those fixed at creation.
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: q.name }));
        const { FifoQueue: _f, ...mutable } = q.attributes;
        log(`queue ${q.name} (exists)`);
        // One at a time: an emulator may refuse one (ElasticMQ: ContentBasedDeduplication) and take the others.
        for (const [key, value] of Object.entries(mutable))
          await sqs
            .send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { [key]: value } }))
            .catch((e: unknown) => log(`queue ${q.name}: ${key} not changed (${(e as Error).message})`));
      }
    }
  } finally {
    sqs.destroy();
  }
}

async function createStreams(
  streams: TemplateResources['streams'],
  endpoint: string,
  region: string,
  log: (s: string) => void,
) {
  const kinesis = new KinesisClient({ ...aws(endpoint, region), requestHandler: new NodeHttpHandler() });
  try {
    for (const s of streams) {
      try {
        await kinesis.send(new CreateStreamCommand({ StreamName: s.name, ShardCount: s.shardCount }));
        log(`stream ${s.name}`);
      } catch (err) {
        if (nameOf(err) !== 'ResourceInUseException') throw err;
        log(`stream ${s.name} (exists)`);
      }
      await until(`stream ${s.name}`, async () => {
        const d = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: s.name }));
        return d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
      });
    }
  } finally {
    kinesis.destroy();
  }
}

async function createTable(
  ddb: DynamoDBClient,
  t: TableResource,
  log: (s: string) => void,
): Promise<string | undefined> {
  const stream = t.streamViewType === undefined ? undefined : { StreamEnabled: true, StreamViewType: t.streamViewType };
  try {
    await ddb.send(
      new CreateTableCommand({
        TableName: t.name,
        KeySchema: t.keySchema,
        AttributeDefinitions: t.attributes,
        BillingMode: 'PAY_PER_REQUEST',
        ...(stream === undefined ? {} : { StreamSpecification: stream }),
      }),
    );
    log(`table ${t.name}`);
  } catch (err) {
    if (nameOf(err) !== 'ResourceInUseException') throw err;
    log(`table ${t.name} (exists)`);
  }
  let arn: string | undefined;
  await until(`table ${t.name}`, async () => {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: t.name }));
    arn = Table?.LatestStreamArn;
    return Table?.TableStatus === 'ACTIVE';
  });
  if (arn === undefined && stream !== undefined) {
    // A table made before without its stream gets one.
    const { TableDescription } = await ddb.send(
      new UpdateTableCommand({ TableName: t.name, StreamSpecification: stream }),
    );
    arn = TableDescription?.LatestStreamArn;
  }
  return arn;
}

async function createTopics(topics: string[], brokers: string[], log: (s: string) => void) {
  const admin = new Kafka({ clientId: 'sluice-import', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0)
      await admin.createTopics({ topics: missing.map((topic) => ({ topic })), waitForLeaders: true });
    for (const t of topics) log(`topic ${t}${existing.has(t) ? ' (exists)' : ''}`);
  } finally {
    await admin.disconnect();
  }
}

/** Creates what the template declares where an endpoint is given; resolves with the tables' stream ARNs. */
export async function createResources(
  r: TemplateResources,
  e: Endpoints,
  region: string,
  log: (line: string) => void,
): Promise<Record<string, string>> {
  const need = (kind: string, endpoint: unknown, n: number) => {
    if (n > 0 && endpoint === undefined) throw new Error(`the template has ${kind} but no ${kind} endpoint is set`);
    return n > 0;
  };
  if (need('queues', e.sqs, r.queues.length)) await createQueues(r.queues, e.sqs!, region, log);
  if (need('streams', e.kinesis, r.streams.length)) await createStreams(r.streams, e.kinesis!, region, log);
  if (r.topics.length > 0 && e.kafka !== undefined)
    await createTopics(
      r.topics.map((t) => t.name),
      e.kafka,
      log,
    );
  if (r.destinations.length > 0) await createDestinations(r.destinations, e, region, log);
  const arns: Record<string, string> = {};
  if (need('tables', e.dynamodb, r.tables.length)) {
    const ddb = new DynamoDBClient(aws(e.dynamodb!, region));
    try {
      for (const t of r.tables) {
        const arn = await createTable(ddb, t, log);
        if (arn !== undefined) arns[t.name] = arn;
      }
    } finally {
      ddb.destroy();
    }
  }
  return arns;
}

/** The stream ARNs of tables that already exist (for an import without --create-resources); others are left out. */
export async function existingStreamArns(
  tables: TableResource[],
  endpoint: string,
  region: string,
): Promise<Record<string, string>> {
  // A look-up, not a requirement: an endpoint that does not answer soon is skipped.
  const ddb = new DynamoDBClient({
    ...aws(endpoint, region),
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: 5000 }),
  });
  const arns: Record<string, string> = {};
  try {
    for (const t of tables) {
      const arn = await ddb
        .send(new DescribeTableCommand({ TableName: t.name }))
        .then((d) => d.Table?.LatestStreamArn)
        .catch(() => undefined);
      if (arn !== undefined) arns[t.name] = arn;
    }
  } finally {
    ddb.destroy();
  }
  return arns;
}
