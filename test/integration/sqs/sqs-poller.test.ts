import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Invoker } from '../../../src/core/invoke/types.js';
import { SqsTestBed, jsInvoker, waitFor } from './sqs-kit.js';

type Rec = Record<string, unknown> & {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
};

let bed: SqsTestBed;
beforeEach(() => {
  bed = new SqsTestBed();
});
afterEach(async () => {
  await bed.close();
});

describe('SQS poller on a real SQS server', () => {
  it('SQS-10 delivers every message and deletes it after a successful invocation', async () => {
    const q = await bed.createQueue('deliver');
    const bodies = Array.from({ length: 57 }, (_, i) => `msg-${i}`);
    await bed.send(q, bodies);
    const seen: string[] = [];
    const { metrics } = await bed.startPoller(q, (event) => {
      for (const r of event.Records as Rec[]) seen.push(r.body);
    });
    await waitFor(() => seen.length >= 57, 20_000, 'all messages');
    await waitFor(async () => (await bed.remaining(q)) === 0, 10_000, 'empty queue');
    expect([...seen].sort()).toEqual([...bodies].sort());
    expect(metrics.count('sluice_deleted_events_total')).toBe(57);
    expect(metrics.count('sluice_polled_events_total')).toBe(57);
  });

  it('§5.1 builds the Lambda SQS event record', async () => {
    const q = await bed.createQueue('shape');
    await bed.send(q, ['{"hello":"world"}'], {
      attributes: {
        s: { DataType: 'String', StringValue: 'text' },
        n: { DataType: 'Number', StringValue: '42' },
        b: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]) },
      },
    });
    await bed.send(q, ['plain']);
    const records: Rec[] = [];
    await bed.startPoller(q, (event) => {
      records.push(...(event.Records as Rec[]));
    });
    await waitFor(() => records.length >= 2, 20_000, 'two records');
    const withAttrs = records.find((r) => r.body === '{"hello":"world"}')!;
    const plain = records.find((r) => r.body === 'plain')!;
    expect(Object.keys(withAttrs)).toEqual([
      'messageId',
      'receiptHandle',
      'body',
      'attributes',
      'messageAttributes',
      'md5OfMessageAttributes',
      'md5OfBody',
      'eventSource',
      'eventSourceARN',
      'awsRegion',
    ]);
    expect(withAttrs.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof withAttrs['receiptHandle']).toBe('string');
    const attrs = withAttrs.attributes;
    expect(Object.keys(attrs)).toEqual([
      'ApproximateReceiveCount',
      'SentTimestamp',
      'SenderId',
      'ApproximateFirstReceiveTimestamp',
    ]);
    expect(attrs['ApproximateReceiveCount']).toBe('1');
    expect(attrs['SentTimestamp']).toMatch(/^\d{13}$/);
    expect(attrs['ApproximateFirstReceiveTimestamp']).toMatch(/^\d{13}$/);
    expect(attrs['SenderId']).toEqual(expect.any(String) as unknown);
    expect(withAttrs['messageAttributes']).toEqual({
      s: { stringValue: 'text', stringListValues: [], binaryListValues: [], dataType: 'String' },
      n: { stringValue: '42', stringListValues: [], binaryListValues: [], dataType: 'Number' },
      b: { binaryValue: 'AAEC/w==', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    expect(withAttrs['md5OfMessageAttributes']).toMatch(/^[0-9a-f]{32}$/);
    expect(withAttrs['md5OfBody']).toBe(createHash('md5').update('{"hello":"world"}').digest('hex'));
    expect(withAttrs).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: q.arn, awsRegion: 'us-east-1' });
    expect(plain['messageAttributes']).toEqual({});
    expect(plain['md5OfMessageAttributes']).toBeNull();
  });

  it('SQS-11 a function error deletes nothing; the batch returns after the visibility timeout', async () => {
    const q = await bed.createQueue('error', { VisibilityTimeout: '2' });
    await bed.send(q, ['a', 'b', 'c']);
    const deliveries: Array<{ at: number; counts: string[] }> = [];
    await bed.startPoller(q, (event) => {
      const records = event.Records as Rec[];
      deliveries.push({ at: Date.now(), counts: records.map((r) => r.attributes['ApproximateReceiveCount']!) });
      if (deliveries.length === 1) throw new Error('first attempt fails');
    });
    await waitFor(() => deliveries.length >= 2, 20_000, 'redelivery');
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(1900);
    expect(deliveries[1]!.counts).toEqual(['2', '2', '2']);
    await waitFor(async () => (await bed.remaining(q)) === 0, 10_000, 'empty queue');
  });

  it('SQS-17 a partial batch response deletes only the successes', async () => {
    const q = await bed.createQueue('partial', { VisibilityTimeout: '2' });
    await bed.send(q, ['ok-1', 'bad-1', 'ok-2', 'bad-2', 'ok-3']);
    const batches: string[][] = [];
    await bed.startPoller(
      q,
      (event) => {
        const records = event.Records as Rec[];
        batches.push(records.map((r) => r.body).sort());
        if (batches.length > 1) return { batchItemFailures: [] };
        const failed = records.filter((r) => r.body.startsWith('bad'));
        return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
      },
      { reportBatchItemFailures: true, scaling: { initial: 1, min: 1 } },
    );
    await waitFor(() => batches.length >= 2, 20_000, 'retry of the failures');
    expect(batches[0]).toEqual(['bad-1', 'bad-2', 'ok-1', 'ok-2', 'ok-3']);
    expect(batches[1]).toEqual(['bad-1', 'bad-2']);
    await waitFor(async () => (await bed.remaining(q)) === 0, 10_000, 'empty queue');
  });

  it('SQS-23/24 keeps order per message group with one batch per group in flight', async () => {
    const q = await bed.createQueue('order', {}, true);
    const groups = ['g0', 'g1', 'g2'];
    const bodies = Array.from({ length: 60 }, (_, i) => `${groups[i % 3]}-${Math.floor(i / 3)}`);
    await bed.send(q, bodies, { groupId: (i) => groups[i % 3]! });
    const seen: string[] = [];
    const active = new Set<string>();
    let overlap = false;
    await bed.startPoller(q, async (event) => {
      const records = event.Records as Rec[];
      const gs = new Set(records.map((r) => r.attributes['MessageGroupId']!));
      for (const g of gs) if (active.has(g)) overlap = true;
      for (const g of gs) active.add(g);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(...records.map((r) => r.body));
      for (const g of gs) active.delete(g);
    });
    await waitFor(() => seen.length >= 60, 30_000, 'all messages');
    expect(overlap).toBe(false);
    for (const g of groups) {
      expect(seen.filter((b) => b.startsWith(`${g}-`))).toEqual(Array.from({ length: 20 }, (_, i) => `${g}-${i}`));
    }
  });

  it('SQS-24 a failed group waits for its retry while other groups go on', async () => {
    const q = await bed.createQueue('fifo-fail', { VisibilityTimeout: '2' }, true);
    await bed.send(
      q,
      Array.from({ length: 5 }, (_, i) => `a-${i}`),
      { groupId: () => 'a' },
    );
    await bed.send(
      q,
      Array.from({ length: 20 }, (_, i) => `b-${i}`),
      { groupId: () => 'b' },
    );
    const seen: Array<{ body: string; at: number }> = [];
    let failedA = false;
    const started = Date.now();
    await bed.startPoller(
      q,
      (event) => {
        const records = event.Records as Rec[];
        if (!failedA && records.some((r) => r.body.startsWith('a-'))) {
          failedA = true;
          throw new Error('group a fails once');
        }
        seen.push(...records.map((r) => ({ body: r.body, at: Date.now() - started })));
      },
      { batchSize: 5 },
    );
    await waitFor(() => seen.length >= 25, 30_000, 'all messages');
    const aTimes = seen.filter((s) => s.body.startsWith('a-'));
    expect(aTimes.map((s) => s.body)).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4']);
    expect(Math.min(...aTimes.map((s) => s.at))).toBeGreaterThanOrEqual(1900);
    const bSeen = seen.filter((s) => s.body.startsWith('b-'));
    expect(bSeen.map((s) => s.body)).toEqual(Array.from({ length: 20 }, (_, i) => `b-${i}`));
    expect(Math.max(...bSeen.map((s) => s.at))).toBeLessThan(Math.min(...aTimes.map((s) => s.at)));
  });

  it('SQS-26 deletes messages that match no filter without invoking the function', async () => {
    const q = await bed.createQueue('filter');
    const bodies = Array.from({ length: 20 }, (_, i) => JSON.stringify({ kind: i % 4 === 0 ? 'keep' : 'skip', i }));
    await bed.send(q, bodies);
    const seen: string[] = [];
    const filter = {
      matches: (r: Record<string, unknown>) => {
        try {
          return (JSON.parse(String(r['body'])) as { kind?: string }).kind === 'keep';
        } catch {
          return false;
        }
      },
    };
    const { metrics } = await bed.startPoller(
      q,
      (event) => {
        seen.push(...(event.Records as Rec[]).map((r) => r.body));
      },
      {},
      filter,
    );
    await waitFor(async () => (await bed.remaining(q)) === 0, 20_000, 'empty queue');
    expect(seen).toHaveLength(5);
    expect(seen.every((b) => b.includes('"keep"'))).toBe(true);
    expect(metrics.count('sluice_filtered_out_events_total')).toBe(15);
    expect(metrics.count('sluice_deleted_events_total')).toBe(20);
  });

  it('SQS-15 failing messages are moved to the dead-letter queue by the queue redrive policy', async () => {
    const dlq = await bed.createQueue('dlq');
    const q = await bed.createQueue('redrive', {
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    await bed.send(q, ['poison']);
    const counts: string[] = [];
    const { source } = await bed.startPoller(q, (event) => {
      counts.push(...(event.Records as Rec[]).map((r) => r.attributes['ApproximateReceiveCount']!));
      throw new Error('always fails');
    });
    expect(await source.describe!()).toMatchObject({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 });
    const moved: string[] = [];
    await waitFor(
      async () => {
        moved.push(...(await bed.receiveAll(dlq, 1)).map((m) => m.Body!));
        return moved.length > 0;
      },
      30_000,
      'the DLQ to receive the message',
    );
    expect(moved).toEqual(['poison']);
    expect(counts).toEqual(['1', '2']);
  });

  it('SQS-2/3 starts with 5 concurrent batches and adds more while a backlog remains', async () => {
    const q = await bed.createQueue('scale');
    await bed.send(
      q,
      Array.from({ length: 300 }, (_, i) => `m-${i}`),
    );
    let concurrent = 0;
    const peaks: number[] = [];
    const started = Date.now();
    let done = 0;
    await bed.startPoller(
      q,
      async () => {
        concurrent++;
        peaks.push(concurrent);
        await new Promise((r) => setTimeout(r, 100));
        concurrent--;
        done++;
      },
      { batchSize: 1, scaling: { addPerMinute: 1200 }, backlogIntervalMs: 500 },
    );
    await waitFor(() => peaks.length >= 5, 10_000, 'first batches');
    expect(Math.max(...peaks.slice(0, 5))).toBeLessThanOrEqual(5);
    await waitFor(() => done >= 300, 30_000, 'all messages');
    expect(Math.max(...peaks)).toBeGreaterThan(5);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('SQS-14 a throttled batch is retried and deleted once the function has capacity', async () => {
    const q = await bed.createQueue('throttle');
    await bed.send(q, ['t']);
    const counts: string[] = [];
    const run = jsInvoker((event) => {
      counts.push(...(event.Records as Rec[]).map((r) => r.attributes['ApproximateReceiveCount']!));
    });
    let calls = 0;
    const throttling: Invoker = {
      has: () => true,
      invoke: (fn, req, o) =>
        ++calls <= 2
          ? Promise.resolve({
              kind: 'throttle',
              reason: 'ConcurrentInvocationLimitExceeded',
              message: 'Rate Exceeded.',
            })
          : run.invoke(fn, req, o),
    };
    await bed.startPoller(q, throttling, { retryBackoff: { initialMs: 100, maxMs: 1000 } });
    await waitFor(async () => counts.length === 1 && (await bed.remaining(q)) === 0, 10_000, 'delivery');
    expect(calls).toBe(3);
    expect(counts).toEqual(['1']);
  });
});
