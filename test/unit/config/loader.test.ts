import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../src/config/json-schema.js';
import { loadConfigFile, loadConfigText } from '../../../src/config/loader.js';

const fn = { Handler: 'functions/hello.handler' };
/** Emulator connections for the sources these tests address: a mapping with no connection of its type is refused. */
const EMULATORS = {
  sqs: { type: 'sqs', endpoint: 'http://127.0.0.1:9324' },
  kinesis: { type: 'kinesis', endpoint: 'http://127.0.0.1:4567' },
  dynamodb: { type: 'dynamodb', endpoint: 'http://127.0.0.1:8000' },
};
const load = (cfg: unknown, env: NodeJS.ProcessEnv = {}) => {
  const c = cfg as { connections?: object };
  return loadConfigText(JSON.stringify({ ...c, connections: { ...EMULATORS, ...c.connections } }), 'test.json', env);
};
const paths = (cfg: unknown) => load(cfg).problems.map((p) => p.path);
const sqs = 'arn:aws:sqs:us-east-1:000000000000:orders';
const kinesis = 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks';
const ddb = 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2024-01-01T00:00:00.000';

describe('config loader', () => {
  it('loads the embedded default config/sluice.json', async () => {
    const r = await loadConfigFile('config/sluice.json');
    expect(r.problems).toEqual([]);
    expect(r.config?.functions.get('hello')?.timeoutMs).toBe(10_000);
    expect(r.config?.mappings.map((m) => [m.kind, m.shape])).toEqual([
      ['memory', 'queue'],
      ['memory', 'stream'],
    ]);
  });

  it('config/sluice.schema.json is up to date (run `npm run schema` to regenerate)', async () => {
    expect(await readFile('config/sluice.schema.json', 'utf8')).toBe(configJsonSchema());
  });

  it('reports bad JSON with its reason', () => {
    const r = loadConfigText('{"functions": ', 'x.json');
    expect(r.problems[0]?.message).toMatch(/not valid JSON/);
  });

  it('reports every problem at once with its JSON path', () => {
    const r = load({
      functions: { f: { Handler: 'a.b', Timeout: 0, Bogus: 1 } },
      eventSourceMappings: [{ FunctionName: 'f', EventSourceArn: sqs, BatchSize: 20000 }],
    });
    expect(r.config).toBeUndefined();
    const p = r.problems.map((x) => x.path);
    expect(p).toContain('functions.f.Timeout');
    expect(p).toContain('functions.f');
    expect(p).toContain('eventSourceMappings[0].BatchSize');
  });

  it('applies Lambda defaults per source kind (§1.2)', () => {
    const r = load({
      functions: { f: fn },
      eventSourceMappings: [
        { FunctionName: 'f', EventSourceArn: sqs },
        { FunctionName: 'f', EventSourceArn: kinesis, StartingPosition: 'LATEST' },
        {
          FunctionName: 'f',
          Topics: ['orders'],
          StartingPosition: 'TRIM_HORIZON',
          SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['127.0.0.1:9092'] } },
        },
      ],
    });
    expect(r.problems).toEqual([]);
    const [q, k, kafka] = r.config?.mappings ?? [];
    expect([q?.batchSize, q?.maxBatchingWindowMs]).toEqual([10, 0]);
    expect([k?.batchSize, k?.maximumRetryAttempts, k?.maximumRecordAgeMs, k?.parallelizationFactor]).toEqual([
      100, -1, -1, 1,
    ]);
    expect([kafka?.kind, kafka?.batchSize, kafka?.maxBatchingWindowMs]).toEqual(['kafka', 100, 500]);
    // D-7: the default consumer group is the mapping UUID.
    expect(kafka?.consumerGroupId).toBe(kafka?.uuid);
    expect(r.config?.functions.get('f')?.async).toMatchObject({
      maximumRetryAttempts: 2,
      maximumEventAgeMs: 21_600_000,
    });
  });

  it('P-1 BatchSize over 10 needs a batching window of at least 1 s, for SQS only (D-12)', () => {
    expect(
      paths({ functions: { f: fn }, eventSourceMappings: [{ FunctionName: 'f', EventSourceArn: sqs, BatchSize: 11 }] }),
    ).toEqual(['eventSourceMappings[0].MaximumBatchingWindowInSeconds']);
    expect(
      paths({
        functions: { f: fn },
        eventSourceMappings: [
          { FunctionName: 'f', EventSourceArn: sqs, BatchSize: 11, MaximumBatchingWindowInSeconds: 1 },
        ],
      }),
    ).toEqual([]);
    expect(
      paths({
        functions: { f: fn },
        eventSourceMappings: [
          { FunctionName: 'f', EventSourceArn: kinesis, StartingPosition: 'LATEST', BatchSize: 500 },
        ],
      }),
    ).toEqual([]);
  });

  it('P-2 MaximumRecordAgeInSeconds is -1 or at least 60', () => {
    const m = (age: number) => ({
      functions: { f: fn },
      eventSourceMappings: [
        { FunctionName: 'f', EventSourceArn: kinesis, StartingPosition: 'LATEST', MaximumRecordAgeInSeconds: age },
      ],
    });
    expect(paths(m(59))).toEqual(['eventSourceMappings[0].MaximumRecordAgeInSeconds']);
    expect(paths(m(60))).toEqual([]);
    expect(paths(m(-1))).toEqual([]);
  });

  it('P-11 at most 5 filters by default, up to limits.maxFiltersPerMapping', () => {
    const filters = Array.from({ length: 6 }, () => ({ Pattern: '{"body":{"a":[1]}}' }));
    const cfg = {
      functions: { f: fn },
      eventSourceMappings: [{ FunctionName: 'f', EventSourceArn: sqs, FilterCriteria: { Filters: filters } }],
    };
    expect(paths(cfg)).toEqual(['eventSourceMappings[0].FilterCriteria.Filters']);
    expect(paths({ ...cfg, limits: { maxFiltersPerMapping: 10 } })).toEqual([]);
    // An invalid limit is reported, and the filters are still checked against the default of 5.
    expect(paths({ ...cfg, limits: { maxFiltersPerMapping: 11 } })).toEqual([
      'limits.maxFiltersPerMapping',
      'eventSourceMappings[0].FilterCriteria.Filters',
    ]);
  });

  it('FIFO queues: BatchSize at most 10 and no batching window', () => {
    const fifo = `${sqs}.fifo`;
    expect(
      paths({
        functions: { f: fn },
        eventSourceMappings: [
          { FunctionName: 'f', EventSourceArn: fifo, BatchSize: 11, MaximumBatchingWindowInSeconds: 1 },
        ],
      }).sort(),
    ).toEqual(['eventSourceMappings[0].BatchSize', 'eventSourceMappings[0].MaximumBatchingWindowInSeconds']);
  });

  it('rejects fields a source does not support and stream fields without StartingPosition', () => {
    expect(
      paths({
        functions: { f: fn },
        eventSourceMappings: [
          { FunctionName: 'f', EventSourceArn: sqs, BisectBatchOnFunctionError: true },
          { FunctionName: 'f', EventSourceArn: kinesis, ScalingConfig: { MaximumConcurrency: 5 } },
          { FunctionName: 'f', EventSourceArn: ddb, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: 1 },
        ],
      }).sort(),
    ).toEqual([
      'eventSourceMappings[0].BisectBatchOnFunctionError',
      'eventSourceMappings[1].ScalingConfig',
      'eventSourceMappings[1].StartingPosition',
      'eventSourceMappings[2].StartingPosition',
    ]);
  });

  it('checks references: unknown function, unknown or mismatched connection', () => {
    expect(
      paths({
        connections: { r: { type: 'redis', url: 'redis://127.0.0.1:6379' } },
        functions: { f: fn },
        eventSourceMappings: [
          { FunctionName: 'nope', EventSourceArn: sqs },
          { FunctionName: 'f', EventSourceArn: sqs, Connection: 'missing' },
          { FunctionName: 'f', EventSourceArn: sqs, Connection: 'r' },
        ],
      }),
    ).toEqual([
      'eventSourceMappings[0].FunctionName',
      'eventSourceMappings[1].Connection',
      'eventSourceMappings[2].Connection',
    ]);
  });

  it('accepts Kafka consumer tuning and Redis Streams consumer settings on connections, and checks them', () => {
    const base = {
      functions: { f: fn },
      eventSourceMappings: [
        {
          FunctionName: 'f',
          EventSourceArn: 'kafka://orders',
          Topics: ['orders'],
          Connection: 'k',
          StartingPosition: 'LATEST',
        },
        { FunctionName: 'f', EventSourceArn: 'redis://a,b,c:*', Connection: 'r', StartingPosition: 'LATEST' },
      ],
    };
    const ok = load({
      ...base,
      connections: {
        k: { type: 'kafka', brokers: ['127.0.0.1:9092'], consumer: { bufferRecords: 1000, maxWaitTimeMs: 50 } },
        r: { type: 'redis', url: 'redis://127.0.0.1:6379', consumerName: 'one', claimIdleMs: 5000 },
      },
    });
    expect(ok.problems).toEqual([]);
    expect(
      paths({
        ...base,
        connections: {
          k: { type: 'kafka', brokers: ['127.0.0.1:9092'], consumer: { bufferRecords: -1, nope: 1 } },
          r: { type: 'redis', url: 'redis://127.0.0.1:6379', blockMs: 'x' },
        },
      }),
    ).toEqual(expect.arrayContaining(['connections.k.consumer.bufferRecords', 'connections.r.blockMs']));
  });

  it('KAF-1 kafka://<topic> names the topic: Topics may be left out, and must agree when given', () => {
    const mapping = (extra: Record<string, unknown>) => ({
      connections: { k: { type: 'kafka', brokers: ['127.0.0.1:9092'] } },
      functions: { f: fn },
      eventSourceMappings: [
        { FunctionName: 'f', EventSourceArn: 'kafka://orders', Connection: 'k', StartingPosition: 'LATEST', ...extra },
      ],
    });
    const ok = load(mapping({}));
    expect(ok.problems).toEqual([]);
    expect(ok.config?.mappings[0]?.settings).toMatchObject({ topics: ['orders'] });
    expect(paths(mapping({ Topics: ['other'] }))).toEqual(['eventSourceMappings[0].Topics']);
    expect(load(mapping({ Topics: ['orders'] })).problems).toEqual([]);
  });

  it('P-7 a Kafka mapping (kafka:// or MSK ARN) needs a function Timeout of at most 14 minutes; other kinds up to 15', () => {
    const msk = 'arn:aws:kafka:us-east-1:000000000000:cluster/c/0b1d2e3f-4a5b-6c7d-8e9f-000000000000-1';
    const config = (timeout: number, arn: string, extra: Record<string, unknown>) => ({
      connections: { k: { type: 'kafka', brokers: ['127.0.0.1:9092'] } },
      functions: { f: { ...fn, Timeout: timeout } },
      eventSourceMappings: [{ FunctionName: 'f', EventSourceArn: arn, StartingPosition: 'LATEST', ...extra }],
    });
    for (const [arn, extra] of [
      ['kafka://orders', { Connection: 'k' }],
      [msk, { Connection: 'k', Topics: ['orders'] }],
    ] as const) {
      expect(load(config(840, arn, extra)).problems).toEqual([]);
      const late = load(config(841, arn, extra)).problems;
      expect(late.map((p) => p.path)).toEqual(['eventSourceMappings[0].FunctionName']);
      expect(late[0]?.message).toContain('840 s');
    }
    expect(load(config(900, kinesis, {})).problems).toEqual([]);
  });

  it('KAF-5/KAF-16 validate refuses a shared ConsumerGroupId and an on-failure topic that is a source topic', () => {
    const kafkaMapping = (topic: string, extra: Record<string, unknown> = {}) => ({
      FunctionName: 'f',
      Topics: [topic],
      StartingPosition: 'LATEST',
      SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['127.0.0.1:9092'] } },
      ...extra,
    });
    const group = { SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'g' } };
    // PRV-12: a kafka:// on-failure topic needs provisioned mode (one consumer: as on-demand).
    const provisioned = { ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 1 } };
    expect(
      paths({
        functions: { f: fn },
        eventSourceMappings: [kafkaMapping('orders', group), kafkaMapping('payments', group)],
      }),
    ).toEqual(['eventSourceMappings[1].SelfManagedKafkaEventSourceConfig.ConsumerGroupId']);
    expect(
      paths({
        functions: { f: fn },
        eventSourceMappings: [
          kafkaMapping('orders', {
            ...provisioned,
            DestinationConfig: { OnFailure: { Destination: 'kafka://orders' } },
          }),
        ],
      }),
    ).toEqual(['eventSourceMappings[0].DestinationConfig.OnFailure.Destination']);
    expect(
      load({
        functions: { f: fn },
        eventSourceMappings: [
          kafkaMapping('orders', {
            ...provisioned,
            DestinationConfig: { OnFailure: { Destination: 'kafka://orders-dlq' } },
          }),
        ],
      }).problems,
    ).toEqual([]);
  });

  it('a Redis stream destination is one key: lists and patterns are refused', () => {
    const p = paths({
      connections: { r: { type: 'redis', url: 'redis://127.0.0.1:6379' } },
      functions: { f: fn },
      eventSourceMappings: [
        {
          FunctionName: 'f',
          EventSourceArn: 'redis://in',
          StartingPosition: 'LATEST',
          DestinationConfig: { OnFailure: { Destination: 'redis://a,b' } },
        },
      ],
    });
    expect(p.some((x) => x.includes('DestinationConfig'))).toBe(true);
  });

  it('async settings: MaximumRetryAttempts 0-2 and MaximumEventAgeInSeconds 60-21600 (ASY-5, ASY-7)', () => {
    const f = (inv: object) => ({ functions: { f: { ...fn, EventInvokeConfig: inv } } });
    expect(paths(f({ MaximumRetryAttempts: 3 }))).toEqual(['functions.f.EventInvokeConfig.MaximumRetryAttempts']);
    expect(paths(f({ MaximumEventAgeInSeconds: 59 }))).toEqual([
      'functions.f.EventInvokeConfig.MaximumEventAgeInSeconds',
    ]);
    expect(paths(f({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 }))).toEqual([]);
  });

  it('substitutes ${env:NAME} and reports a missing variable at its path', () => {
    const cfg = { connections: { r: { type: 'redis', url: '${env:REDIS_URL}' } } };
    expect(load(cfg, { REDIS_URL: 'redis://127.0.0.1:1' }).config?.connections.r).toEqual({
      type: 'redis',
      url: 'redis://127.0.0.1:1',
    });
    expect(load(cfg).problems).toMatchObject([
      { path: 'connections.r.url', message: 'environment variable REDIS_URL is not set' },
    ]);
  });

  it('refuses a non-loopback bind address without auth', () => {
    expect(paths({ server: { host: '0.0.0.0' } })).toEqual(['server.auth']);
    expect(paths({ server: { host: '0.0.0.0', auth: { bearerTokens: ['0123456789abcdef0123'] } } })).toEqual([]);
  });

  it('CON-2 keeps at least 100 of the account limit unreserved', () => {
    expect(
      paths({ concurrency: { accountLimit: 200 }, functions: { f: { ...fn, ReservedConcurrentExecutions: 101 } } }),
    ).toEqual(['functions']);
  });

  it('OPEN-10 an account limit under 100 is valid, and its whole limit stays unreserved', () => {
    expect(paths({ concurrency: { accountLimit: 50 }, functions: { f: fn } })).toEqual([]);
    expect(
      paths({ concurrency: { accountLimit: 50 }, functions: { f: { ...fn, ReservedConcurrentExecutions: 0 } } }),
    ).toEqual([]);
    expect(
      paths({ concurrency: { accountLimit: 50 }, functions: { f: { ...fn, ReservedConcurrentExecutions: 1 } } }),
    ).toEqual(['functions']);
  });
});

describe('recursion (ERR-6)', () => {
  it('ERR-6 warns, without failing, when a function is its own OnSuccess or OnFailure destination', () => {
    const self = 'arn:aws:lambda:us-east-1:000000000000:function:loop';
    const r = load({
      functions: {
        loop: {
          ...fn,
          EventInvokeConfig: {
            DestinationConfig: { OnSuccess: { Destination: self }, OnFailure: { Destination: `${self}:$LATEST` } },
          },
        },
        other: { ...fn, EventInvokeConfig: { DestinationConfig: { OnSuccess: { Destination: self } } } },
      },
    });
    expect(r.problems).toEqual([]);
    expect(r.config).toBeDefined();
    expect(r.warnings.map((w) => w.path)).toEqual([
      'functions.loop.EventInvokeConfig.DestinationConfig.OnSuccess.Destination',
      'functions.loop.EventInvokeConfig.DestinationConfig.OnFailure.Destination',
    ]);
    expect(r.warnings[0]?.message).toMatch(/its own OnSuccess destination/);
  });

  it("a connector's own mapping fields are refused on another connector's source; sources are named from the registry", () => {
    const connections = { sqs: { type: 'sqs', endpoint: 'http://127.0.0.1:9324' } };
    const problems = (mapping: object) =>
      load({ connections, functions: { f: fn }, eventSourceMappings: [{ FunctionName: 'f', ...mapping }] }).problems;
    expect(problems({ EventSourceArn: sqs, Topics: ['orders'] })).toMatchObject([
      { path: 'eventSourceMappings[0].Topics', message: 'not supported for sqs sources' },
    ]);
    const [unknown] = problems({ EventSourceArn: 'nats://orders' });
    expect(unknown?.message).toMatch(/not a supported source \(.*an SQS queue ARN.*kafka:\/\/<topic>.*redis:\/\//);
    const [missing] = problems({});
    expect(missing).toMatchObject({ path: 'eventSourceMappings[0].EventSourceArn' });
    expect(missing?.message).toMatch(/^required \(or Topics and SelfManagedEventSource for Kafka\)$/);
  });
});
