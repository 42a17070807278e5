import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSqsQueueSettings, sqsConnector } from '../../../connectors/sqs/index.js';
import { connectorContext, SqsTestBed, waitFor } from './sqs-kit.js';

let bed: SqsTestBed;
beforeEach(() => {
  bed = new SqsTestBed();
});
afterEach(async () => {
  await bed.close();
});

describe('SQS connector', () => {
  it('P-6 reads the visibility timeout and FIFO flag of a queue', async () => {
    const std = await bed.createQueue('settings', { VisibilityTimeout: '45' });
    const fifo = await bed.createQueue('settings', {}, true);
    expect(await readSqsQueueSettings(std.arn, connectorContext())).toEqual({
      visibilityTimeoutMs: 45_000,
      fifo: false,
    });
    expect((await readSqsQueueSettings(fifo.arn, connectorContext())).fifo).toBe(true);
  });

  it('reads the backlog, acks (deletes) in batches and reports messages it could not delete', async () => {
    const q = await bed.createQueue('source');
    await bed.send(
      q,
      Array.from({ length: 25 }, (_, i) => `m-${i}`),
    );
    const source = sqsConnector.createQueueSource!(q.arn, connectorContext());
    bed.sources.push(source);
    await waitFor(async () => (await source.backlog!()) === 25, 5000, 'backlog of 25');
    const signal = new AbortController().signal;
    const got = [...(await source.receive(10, 1000, signal)), ...(await source.receive(10, 1000, signal))];
    expect(got).toHaveLength(20);
    const stale = { ...got[0]!, handle: 'not-a-receipt-handle' };
    expect(await source.ack([...got.slice(1), stale])).toEqual([got[0]!.id]);
    await source.nack([got[0]!], 0);
    const again = await source.receive(10, 1000, signal);
    expect(again.map((m) => m.id)).toContain(got[0]!.id);
    expect(again.find((m) => m.id === got[0]!.id)?.receiveCount).toBe(2);
  });

  it('sends records to an SQS destination with DLQ message attributes', async () => {
    const q = await bed.createQueue('dest');
    const dest = sqsConnector.createDestination!(q.arn, connectorContext());
    await dest.send(
      { hello: 'world' },
      {
        functionName: 'fn',
        attributes: {
          RequestID: { type: 'String', value: 'req-1' },
          ErrorCode: { type: 'Number', value: '200' },
          ErrorMessage: { type: 'String', value: 'boom' },
        },
      },
    );
    await dest.close();
    const [m] = await bed.receiveAll(q);
    expect(JSON.parse(m!.Body!)).toEqual({ hello: 'world' });
    expect(m!.MessageAttributes).toMatchObject({
      RequestID: { DataType: 'String', StringValue: 'req-1' },
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: 'boom' },
    });
  });

  it('sends to a FIFO destination with the function name as message group', async () => {
    const q = await bed.createQueue('dest', { ContentBasedDeduplication: 'false' }, true);
    const dest = sqsConnector.createDestination!(q.arn, connectorContext());
    await dest.send({ n: 1 }, { functionName: 'my-fn' });
    await dest.send({ n: 1 }, { functionName: 'my-fn' });
    await dest.close();
    const msgs = await bed.receiveAll(q);
    expect(msgs.map((m) => m.Attributes?.MessageGroupId)).toEqual(['my-fn', 'my-fn']);
  });
});
