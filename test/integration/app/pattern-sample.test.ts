// #21 item 4, filter dry-run on live traffic, on real servers: `GET /sluice/mappings/{uuid}/test-pattern` and
// `sluice test-pattern --mapping` read a mapping's most recent records and say which its current FilterCriteria and
// a proposed one match, without moving anything: the mapping's Kafka group commits nothing (and the throwaway sample
// group is gone), the Redis consumer group is never created, and once the mapping runs every matching record is
// still delivered.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DescribeTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { logLevel } from 'kafkajs';
import { afterAll, expect, it } from 'vitest';
import { startApp, type App } from '../../../src/app/app.js';
import type { PatternSample } from '../../../src/app/pattern-sample.js';
import { runCli } from '../../../src/cli/index.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createStream } from '../kinesis/kinesalite.js';
import { closeClients, dynamoClient, kafka, kinesisClient, redis, servers, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

const FIXTURES = path.resolve('test/fixtures/pattern-sample');
const KINDS = ['a', 'b', 'a', 'c', 'a'];

function handledLog(): { log: string; handled: () => string[] } {
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-sample-')), 'handled.log');
  return { log, handled: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

async function start(config: object): Promise<App> {
  const loaded = loadConfigText(JSON.stringify({ server: { port: 0 }, ...config }), 'sample.json');
  expect(loaded.problems).toEqual([]);
  return startApp(loaded.config!, createLogger('silent'));
}

/** The config with its one mapping disabled (sampled) or enabled (delivering), handled ids going to `log`. */
function configOf(log: string, connections: object, mapping: object, enabled: boolean): object {
  return {
    connections,
    functions: {
      fn: { Handler: 'handlers.record', CodeUri: FIXTURES, Environment: { Variables: { SAMPLE_LOG: log } } },
    },
    eventSourceMappings: [
      { FunctionName: 'fn', StartingPosition: 'TRIM_HORIZON', BatchSize: 10, Enabled: enabled, ...mapping },
    ],
  };
}

async function sample(
  app: App,
  uuid: string,
  n: number,
  proposed?: object,
): Promise<{ status: number; body: PatternSample }> {
  const q = new URLSearchParams({ sample: String(n) });
  if (proposed) q.set('criteria', JSON.stringify(proposed));
  const res = await fetch(
    `http://127.0.0.1:${app.address().port}/sluice/mappings/${uuid}/test-pattern?${q.toString()}`,
  );
  return { status: res.status, body: (await res.json()) as PatternSample };
}

const ids = (s: PatternSample, which: 'current' | 'proposed') =>
  s.records.filter((r) => r[which]).map((r) => r.position);

it('#21 test-pattern on a Kinesis mapping: the newest records, current and proposed matches; nothing moves, all are delivered later', async () => {
  const kinesis = kinesisClient();
  const stream = uniqueName('sample');
  await createStream(kinesis, stream, 1);
  for (const [i, kind] of KINDS.entries())
    await kinesis.send(
      new PutRecordCommand({
        StreamName: stream,
        PartitionKey: 'k',
        Data: Buffer.from(JSON.stringify({ id: `r${i}`, kind })),
      }),
    );
  const uuid = randomUUID();
  const { log, handled } = handledLog();
  const connections = {
    kinesis: {
      type: 'kinesis',
      endpoint: servers().kinesis.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    },
  };
  const mapping = {
    UUID: uuid,
    EventSourceArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`,
    Connection: 'kinesis',
    FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { kind: ['a'] } }) }] },
  };
  let app = await start(configOf(log, connections, mapping, false));
  try {
    const { status, body } = await sample(app, uuid, 4, {
      Filters: [{ Pattern: JSON.stringify({ data: { kind: ['b', 'c'] } }) }],
    });
    expect(status).toBe(200);
    // The 4 newest of 5, oldest first: kinds b, a, c, a.
    expect(body.sampled).toBe(4);
    expect(body.records.map((r) => r.current)).toEqual([false, true, false, true]);
    expect(body.records.map((r) => r.proposed)).toEqual([true, false, true, false]);
    expect(body.matches).toEqual({ current: 2, proposed: 2 });
    expect(body.records[0]?.shardId).toBe('shardId-000000000000');
    const again = await sample(app, uuid, 10);
    expect(again.body.sampled).toBe(5);
    expect(ids(again.body, 'current')).toHaveLength(3);
  } finally {
    await app.stop('test');
  }
  // Nothing moved: the mapping, enabled now, still gets every record its filter lets through.
  app = await start(configOf(log, connections, mapping, true));
  try {
    await expect.poll(handled, { timeout: 60_000, interval: 200 }).toEqual(['r0', 'r2', 'r4']);
  } finally {
    await app.stop('test');
  }
});

it('#21 test-pattern on a Kafka mapping (through the CLI): the mapping group commits nothing, the sample group is gone, all are delivered later', async () => {
  const client = kafka({ logLevel: logLevel.NOTHING });
  const topic = uniqueName('sample');
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  const producer = client.producer();
  await producer.connect();
  await producer.send({
    topic,
    acks: -1,
    messages: KINDS.map((kind, i) => ({ partition: i % 2, value: JSON.stringify({ id: `r${i}`, kind }) })),
  });
  await producer.disconnect();
  const uuid = randomUUID();
  const group = `sample-${uuid}`;
  const { log, handled } = handledLog();
  const connections = { kafka: { type: 'kafka', brokers: servers().kafka.brokers } };
  const mapping = {
    UUID: uuid,
    Topics: [topic],
    Connection: 'kafka',
    SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: group },
    FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ value: { kind: ['a'] } }) }] },
  };
  let app = await start(configOf(log, connections, mapping, false));
  try {
    let out = '';
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t), env: {} };
    const url = `http://127.0.0.1:${app.address().port}`;
    const code = await runCli(
      [
        'test-pattern',
        '--mapping',
        uuid,
        '--sample',
        '10',
        '--pattern',
        JSON.stringify({ value: { kind: ['c'] } }),
        '--url',
        url,
        '--json',
      ],
      io,
    );
    expect(code, out).toBe(0);
    const body = JSON.parse(out) as PatternSample;
    expect(body.sampled).toBe(5);
    expect(body.matches).toEqual({ current: 3, proposed: 1 });
    expect(new Set(body.records.map((r) => r.shardId))).toEqual(new Set([`${topic}-0`, `${topic}-1`]));
    out = '';
    expect(await runCli(['test-pattern', '--mapping', uuid, '--sample', '2', '--url', url], io)).toBe(0);
    expect(out).toContain('2 recent records: current FilterCriteria matches');
    // The mapping's group has committed nothing; no sample group is left behind.
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(offsets[0]?.partitions.map((p) => p.offset)).toEqual(['-1', '-1']);
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    expect(groups.filter((g) => g.startsWith('sluice-sample-'))).toEqual([]);
  } finally {
    await app.stop('test');
  }
  app = await start(configOf(log, connections, mapping, true));
  try {
    await expect.poll(() => handled().sort(), { timeout: 60_000, interval: 200 }).toEqual(['r0', 'r2', 'r4']);
  } finally {
    await app.stop('test');
    await admin.disconnect();
  }
});

it('#21 test-pattern on a Redis stream mapping reads with XREVRANGE: no consumer group, nothing pending, all delivered later', async () => {
  const r = redis();
  const key = uniqueName('sample');
  for (const [i, kind] of KINDS.entries()) await r.xadd(key, '*', 'id', `r${i}`, 'kind', kind);
  const uuid = randomUUID();
  const { log, handled } = handledLog();
  const connections = { redis: { type: 'redis', url: servers().redis.url } };
  const mapping = {
    UUID: uuid,
    EventSourceArn: `redis://${key}`,
    Connection: 'redis',
    FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ redis: { fields: { kind: ['a'] } } }) }] },
  };
  let app = await start(configOf(log, connections, mapping, false));
  try {
    const { status, body } = await sample(app, uuid, 3, {
      Filters: [{ Pattern: JSON.stringify({ redis: { fields: { kind: ['c'] } } }) }],
    });
    expect(status).toBe(200);
    expect(body.records.map((x) => (x.record.redis as { fields: { id: string } }).fields.id)).toEqual([
      'r2',
      'r3',
      'r4',
    ]);
    expect(body.matches).toEqual({ current: 2, proposed: 1 });
    expect(await r.call('XINFO', 'GROUPS', key)).toEqual([]);
  } finally {
    await app.stop('test');
  }
  app = await start(configOf(log, connections, mapping, true));
  try {
    await expect.poll(handled, { timeout: 60_000, interval: 200 }).toEqual(['r0', 'r2', 'r4']);
  } finally {
    await app.stop('test');
  }
});

it('#21 test-pattern on a DynamoDB Streams mapping: a plain shard read, the newest records matched on NewImage; all delivered later', async () => {
  const ddb = dynamoClient();
  const table = uniqueName('sample');
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  const streamArn = (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn;
  expect(streamArn).toBeDefined();
  for (const [i, kind] of KINDS.entries())
    await ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: `r${i}` }, kind: { S: kind } } }));
  const uuid = randomUUID();
  const { log, handled } = handledLog();
  const connections = {
    dynamodb: {
      type: 'dynamodb',
      endpoint: servers().dynamodb.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    },
  };
  const mapping = {
    UUID: uuid,
    EventSourceArn: streamArn,
    Connection: 'dynamodb',
    FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ dynamodb: { NewImage: { kind: { S: ['a'] } } } }) }] },
  };
  let app = await start(configOf(log, connections, mapping, false));
  try {
    const proposed = { Filters: [{ Pattern: JSON.stringify({ dynamodb: { NewImage: { kind: { S: ['c'] } } } }) }] };
    const { status, body } = await sample(app, uuid, 3, proposed);
    expect(status).toBe(200);
    const id = (x: { record: Record<string, unknown> }) =>
      (x.record.dynamodb as { NewImage: { id: { S: string } } }).NewImage.id.S;
    expect(body.records.map(id)).toEqual(['r2', 'r3', 'r4']);
    expect(body.matches).toEqual({ current: 2, proposed: 1 });
  } finally {
    await app.stop('test');
  }
  app = await start(configOf(log, connections, mapping, true));
  try {
    await expect.poll(handled, { timeout: 60_000, interval: 200 }).toEqual(['r0', 'r2', 'r4']);
  } finally {
    await app.stop('test');
  }
});

it('#21 test-pattern on a queue mapping answers 409: a message cannot be read without hiding it', async () => {
  const uuid = randomUUID();
  const app = await start({
    connections: {
      sqs: {
        type: 'sqs',
        endpoint: servers().sqs.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      },
    },
    functions: { fn: { Handler: 'handlers.record', CodeUri: FIXTURES } },
    eventSourceMappings: [
      {
        UUID: uuid,
        FunctionName: 'fn',
        EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:nope',
        Connection: 'sqs',
        Enabled: false,
      },
    ],
  });
  try {
    const res = await fetch(`http://127.0.0.1:${app.address().port}/sluice/mappings/${uuid}/test-pattern?sample=3`);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('visibility timeout');
    const unknown = await fetch(`http://127.0.0.1:${app.address().port}/sluice/mappings/${randomUUID()}/test-pattern`);
    expect(unknown.status).toBe(404);
  } finally {
    await app.stop('test');
  }
});
