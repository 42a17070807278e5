// SQS mappings through the BUILT service (node dist/src/main.js start) on the shared ElasticMQ: delivery and
// delete, ReportBatchItemFailures, FilterCriteria, FIFO order, redrive, the /metrics counters and gauges, the
// read-only GetEventSourceMapping/ListEventSourceMappings API, and the P-6 start-up check.
import {
  GetEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  type EventSourceMappingConfiguration,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, runCli, startService, writeConfig, type Service } from '../../e2e/service.js';
import { SqsTestBed, type TestQueue } from './sqs-kit.js';
import { fixtureFunction, outFile, readSeen, sqsConnections, sqsMapping, type Seen } from './service-kit.js';

const bed = new SqsTestBed();
const out = outFile();
let svc: Service;
let q: Record<'partial' | 'filter' | 'fifo' | 'redrive' | 'dlq' | 'slow', TestQueue>;
let m: Record<'partial' | 'filter' | 'fifo' | 'redrive' | 'slow' | 'off' | 'kinesisOff', Record<string, unknown>>;

const seen = (prefix: string): Seen[] => readSeen(out).filter((s) => s.body.startsWith(prefix));
const metric = (name: string, mapping: Record<string, unknown>) =>
  metricValue(svc.url, name, { mapping: String(mapping.UUID) });

beforeAll(async () => {
  const dlq = await bed.createQueue('svc-dlq');
  q = {
    partial: await bed.createQueue('svc-partial', { VisibilityTimeout: '2' }),
    filter: await bed.createQueue('svc-filter'),
    fifo: await bed.createQueue('svc-fifo', {}, true),
    dlq,
    redrive: await bed.createQueue('svc-redrive', {
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    }),
    slow: await bed.createQueue('svc-slow'),
  };
  // The slow queue is loaded before sluice starts, so the first backlog sample sees it.
  await bed.send(
    q.slow,
    Array.from({ length: 20 }, (_, i) => `slow-${i}`),
  );
  m = {
    partial: sqsMapping('rec', q.partial.arn, { FunctionResponseTypes: ['ReportBatchItemFailures'] }),
    filter: sqsMapping('rec', q.filter.arn, {
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { kind: ['keep'] } }) }] },
    }),
    fifo: sqsMapping('rec', q.fifo.arn),
    redrive: sqsMapping('thrower', q.redrive.arn),
    slow: sqsMapping('slow', q.slow.arn, { BatchSize: 1, ScalingConfig: { MaximumConcurrency: 2 } }),
    off: sqsMapping('rec', q.dlq.arn, { Enabled: false, BatchSize: 7 }),
    kinesisOff: {
      UUID: '6c1b7a8e-3f0d-4d6a-9a51-0d2b4c6e8f10',
      FunctionName: 'rec',
      EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/not-there',
      StartingPosition: 'TRIM_HORIZON',
      Enabled: false,
    },
  };
  svc = await startService({
    // The disabled Kinesis mapping never connects, but every source needs a connection of its type.
    connections: { ...sqsConnections(), kinesis: { type: 'kinesis', endpoint: 'http://127.0.0.1:9' } },
    functions: {
      rec: fixtureFunction('record', out, { Timeout: 1 }),
      thrower: fixtureFunction('thrower', out, { Timeout: 1 }),
      slow: fixtureFunction('slow', out, { Timeout: 3 }),
    },
    eventSourceMappings: Object.values(m),
  });
});

afterAll(async () => {
  if (svc !== undefined) expect(await svc.stop()).toBe(0);
  await bed.close();
});

describe('SQS mappings in the built service', () => {
  it('SQS-6 backlog and in-flight gauges on /metrics; MaximumConcurrency caps the batches in flight', async () => {
    // Runs first: the backlog gauge was sampled when the mapping started, on the 20 messages loaded before.
    expect(await metric('sluice_backlog', m.slow)).toBeGreaterThan(0);
    await bed.send(
      q.slow,
      Array.from({ length: 20 }, (_, i) => `slow-more-${i}`),
    );
    const inflight: number[] = [];
    await eventually(async () => {
      inflight.push(await metric('sluice_inflight_batches', m.slow));
      return seen('slow-').length >= 40 ? true : undefined;
    }, 30_000);
    expect(Math.max(...inflight)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...inflight)).toBeLessThanOrEqual(2);
    await eventually(async () => ((await metric('sluice_inflight_batches', m.slow)) === 0 ? true : undefined));
    expect(await metric('sluice_deleted_events_total', m.slow)).toBe(40);
    expect(await metric('sluice_mapping_concurrency', m.slow)).toBeLessThanOrEqual(2);
  });

  it('SQS-10/17/22 delivers, deletes the successes, retries only the reported failures, and counts them', async () => {
    const bodies = [...Array.from({ length: 20 }, (_, i) => `ok-${i}`), 'fail-a', 'fail-b', 'fail-c'];
    await bed.send(q.partial, bodies);
    await eventually(async () => ((await bed.remaining(q.partial)) === 0 ? true : undefined), 30_000);
    const got = [...seen('ok-'), ...seen('fail-')];
    expect(new Set(got.map((s) => s.body))).toEqual(new Set(bodies));
    // every "fail" message came back once (after its visibility timeout) and was then deleted
    for (const b of ['fail-a', 'fail-b', 'fail-c'])
      expect(got.filter((s) => s.body === b).map((s) => s.count)).toEqual([1, 2]);
    expect(got.filter((s) => s.body.startsWith('ok-')).every((s) => s.count === 1)).toBe(true);
    expect(await metric('sluice_polled_events_total', m.partial)).toBe(26);
    expect(await metric('sluice_invoked_events_total', m.partial)).toBe(26);
    expect(await metric('sluice_failed_invoke_events_total', m.partial)).toBe(3); // SQS-22
    expect(await metric('sluice_deleted_events_total', m.partial)).toBe(23);
    expect(await metric('sluice_filtered_out_events_total', m.partial)).toBe(0);
  });

  it('SQS-26/27 FilterCriteria on body: non-matching messages are deleted and counted, never invoked (FLT-8, FLT-11)', async () => {
    const keep = Array.from({ length: 10 }, (_, i) => JSON.stringify({ kind: 'keep', i, tag: 'flt' }));
    const skip = Array.from({ length: 10 }, (_, i) => JSON.stringify({ kind: 'skip', i, tag: 'flt' }));
    const plain = Array.from({ length: 5 }, (_, i) => `{plain string ${i}`); // not JSON: a JSON body pattern drops it
    await bed.send(q.filter, [...keep, ...skip, ...plain]);
    await eventually(async () => ((await bed.remaining(q.filter)) === 0 ? true : undefined), 30_000);
    await eventually(async () => ((await metric('sluice_deleted_events_total', m.filter)) === 25 ? true : undefined));
    const got = readSeen(out).filter((s) => s.body.includes('"flt"') || s.body.startsWith('{plain'));
    expect(got.map((s) => s.body).sort()).toEqual([...keep].sort());
    expect(await metric('sluice_polled_events_total', m.filter)).toBe(25);
    expect(await metric('sluice_filtered_out_events_total', m.filter)).toBe(15);
    expect(await metric('sluice_invoked_events_total', m.filter)).toBe(10);
  });

  it('SQS-23 FIFO queue: each message group arrives in order', async () => {
    const groups = ['ga', 'gb', 'gc'];
    const bodies = Array.from({ length: 30 }, (_, i) => `fifo-${groups[i % 3]}-${Math.floor(i / 3)}`);
    await bed.send(q.fifo, bodies, { groupId: (i) => groups[i % 3]! });
    await eventually(async () => ((await bed.remaining(q.fifo)) === 0 ? true : undefined), 30_000);
    const got = seen('fifo-');
    for (const g of groups)
      expect(got.filter((s) => s.body.startsWith(`fifo-${g}-`)).map((s) => s.body)).toEqual(
        Array.from({ length: 10 }, (_, i) => `fifo-${g}-${i}`),
      );
    expect(await metric('sluice_deleted_events_total', m.fifo)).toBe(30);
  });

  it('SQS-11/15/20 a function error deletes nothing; the queue redrive policy moves the message to its DLQ', async () => {
    await bed.send(q.redrive, ['throw']);
    const moved = await eventually(async () => {
      const msgs = await bed.receiveAll(q.dlq, 1);
      return msgs.length > 0 ? msgs.map((x) => x.Body) : undefined;
    }, 30_000);
    expect(moved).toEqual(['throw']);
    expect(
      readSeen(out)
        .filter((s) => s.body === 'throw')
        .map((s) => s.count),
    ).toEqual([1, 2]);
    expect(await metric('sluice_invoked_events_total', m.redrive)).toBe(2);
    expect(await metric('sluice_failed_invoke_events_total', m.redrive)).toBe(2);
    expect(await metric('sluice_deleted_events_total', m.redrive)).toBe(0);
  });

  it('API-2 GetEventSourceMapping and ListEventSourceMappings answer through @aws-sdk/client-lambda (D-11)', async () => {
    const lambda = new LambdaClient({
      endpoint: svc.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    try {
      const one = await lambda.send(new GetEventSourceMappingCommand({ UUID: String(m.partial.UUID) }));
      expect(one).toMatchObject({
        UUID: m.partial.UUID,
        EventSourceArn: q.partial.arn,
        FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:rec',
        State: 'Enabled',
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 0,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        EventSourceMappingArn: `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${String(m.partial.UUID)}`,
      });
      expect(one.LastModified).toBeInstanceOf(Date);
      expect(one.MaximumRetryAttempts).toBeUndefined(); // SQS mappings have no stream retry settings

      const all = await lambda.send(new ListEventSourceMappingsCommand({}));
      const byId = new Map((all.EventSourceMappings ?? []).map((x) => [x.UUID, x]));
      expect(byId.size).toBe(Object.keys(m).length);
      expect(byId.get(String(m.off.UUID))).toMatchObject({ State: 'Disabled', BatchSize: 7 });
      expect(byId.get(String(m.slow.UUID))?.ScalingConfig).toEqual({ MaximumConcurrency: 2 });
      expect(byId.get(String(m.filter.UUID))?.FilterCriteria).toEqual({
        Filters: [{ Pattern: '{"body":{"kind":["keep"]}}' }],
      });
      // D-11: infinite retries and record age read back as -1
      expect(byId.get(String(m.kinesisOff.UUID))).toMatchObject<EventSourceMappingConfiguration>({
        State: 'Disabled',
        StartingPosition: 'TRIM_HORIZON',
        MaximumRetryAttempts: -1,
        MaximumRecordAgeInSeconds: -1,
        BisectBatchOnFunctionError: false,
        ParallelizationFactor: 1,
        BatchSize: 100,
      });

      const forSlow = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'slow' }));
      expect(forSlow.EventSourceMappings?.map((x) => x.UUID)).toEqual([m.slow.UUID]);
      const bySource = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: q.fifo.arn }));
      expect(bySource.EventSourceMappings?.map((x) => x.UUID)).toEqual([m.fifo.UUID]);
      const page = await lambda.send(new ListEventSourceMappingsCommand({ MaxItems: 2 }));
      expect(page.EventSourceMappings).toHaveLength(2);
      const rest = await lambda.send(new ListEventSourceMappingsCommand({ Marker: page.NextMarker }));
      expect(rest.EventSourceMappings).toHaveLength(Object.keys(m).length - 2);
      expect(rest.NextMarker).toBeUndefined();

      await expect(
        lambda.send(new GetEventSourceMappingCommand({ UUID: '00000000-0000-4000-a000-000000000000' })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    } finally {
      lambda.destroy();
    }
  });
});

describe('sluice start checks the queue against the function (P-6)', () => {
  it('P-6 a function Timeout above the queue VisibilityTimeout stops start-up with exit 1 naming both values', async () => {
    const queue = await bed.createQueue('svc-p6', { VisibilityTimeout: '5' });
    const file = await writeConfig({
      server: { port: 0 },
      connections: sqsConnections(),
      functions: { long: fixtureFunction('record', out, { Timeout: 10 }) },
      eventSourceMappings: [sqsMapping('long', queue.arn)],
    });
    const r = await runCli(['start', '--config', file], { SLUICE_LOG_FORMAT: 'json' });
    expect(r.code).toBe(1);
    const output = r.stdout + r.stderr;
    expect(output).toContain('sluice could not start');
    expect(output).toContain('Queue visibility timeout: 5 seconds is less than Function timeout: 10 seconds');
    expect(output).toContain(queue.arn);
  });

  it('SQS-25 / P-1 (D-12) config checks: FIFO BatchSize ≤ 10 and no window; standard BatchSize > 10 needs a window', async () => {
    const file = await writeConfig({
      connections: sqsConnections(),
      functions: { f: fixtureFunction('record', out) },
      eventSourceMappings: [
        sqsMapping('f', 'arn:aws:sqs:us-east-1:000000000000:x.fifo', { BatchSize: 20 }),
        sqsMapping('f', 'arn:aws:sqs:us-east-1:000000000000:y.fifo', { MaximumBatchingWindowInSeconds: 1 }),
        sqsMapping('f', 'arn:aws:sqs:us-east-1:000000000000:z', { BatchSize: 11 }),
      ],
    });
    const r = await runCli(['validate', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('eventSourceMappings[0].BatchSize');
    expect(r.stderr).toContain('eventSourceMappings[1].MaximumBatchingWindowInSeconds');
    expect(r.stderr).toContain('eventSourceMappings[2].MaximumBatchingWindowInSeconds');
  });
});
