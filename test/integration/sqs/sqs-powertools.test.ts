// A handler written for AWS Lambda with Powertools' batch utility runs unchanged behind sluice.
import {
  BatchProcessor,
  EventType,
  SqsFifoPartialProcessor,
  processPartialResponse,
  processPartialResponseSync,
} from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqsTestBed, waitFor, type LambdaHandler } from './sqs-kit.js';

let bed: SqsTestBed;
beforeEach(() => {
  bed = new SqsTestBed();
});
afterEach(async () => {
  await bed.close();
});

describe('AWS Lambda Powertools batch handlers', () => {
  it('SQS-17 BatchProcessor: failed records come back, the rest are deleted', async () => {
    const q = await bed.createQueue('powertools', { VisibilityTimeout: '2' });
    await bed.send(q, ['ok-1', 'fail-1', 'ok-2', 'ok-3', 'fail-2']);
    const attempts = new Map<string, number>();
    const processor = new BatchProcessor(EventType.SQS);
    const recordHandler = async (record: SQSRecord): Promise<void> => {
      const n = (attempts.get(record.body) ?? 0) + 1;
      attempts.set(record.body, n);
      await Promise.resolve();
      if (record.body.startsWith('fail') && n === 1) throw new Error(`cannot handle ${record.body}`);
    };
    // exactly what a Lambda handler file would export
    const handler = async (event: SQSEvent, context: Context) =>
      processPartialResponse(event, recordHandler, processor, { context });
    await bed.startPoller(q, handler as unknown as LambdaHandler, {
      reportBatchItemFailures: true,
      scaling: { initial: 1, min: 1 },
    });
    await waitFor(async () => (await bed.remaining(q)) === 0, 20_000, 'empty queue');
    expect(Object.fromEntries(attempts)).toEqual({ 'ok-1': 1, 'ok-2': 1, 'ok-3': 1, 'fail-1': 2, 'fail-2': 2 });
  });

  it('SQS-21 SqsFifoPartialProcessor: the failed and unprocessed messages are retried in order', async () => {
    const q = await bed.createQueue('powertools', { VisibilityTimeout: '2' }, true);
    await bed.send(
      q,
      Array.from({ length: 6 }, (_, i) => `m-${i}`),
      { groupId: () => 'g' },
    );
    const seen: string[] = [];
    let failed = false;
    const processor = new SqsFifoPartialProcessor();
    const recordHandler = (record: SQSRecord): void => {
      if (record.body === 'm-2' && !failed) {
        failed = true;
        throw new Error('m-2 fails once');
      }
      seen.push(record.body);
    };
    const handler = (event: SQSEvent, context: Context) =>
      processPartialResponseSync(event, recordHandler, processor, { context });
    await bed.startPoller(q, handler as unknown as LambdaHandler, { reportBatchItemFailures: true });
    await waitFor(async () => (await bed.remaining(q)) === 0, 20_000, 'empty queue');
    expect(seen).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4', 'm-5']);
  });
});
