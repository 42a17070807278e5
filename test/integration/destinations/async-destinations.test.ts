// Asynchronous invocation's destinations on SNS, EventBridge and S3 (DEST-4, DEST-8..12, DA-11, DA-12) through the
// BUILT service (npm run build first, memory state): each delivery is read back on the moto server, SNS messages
// from a subscribed queue and EventBridge events from a queue a rule on the bus targets.
import { InvokeCommand, PutFunctionEventInvokeConfigCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../e2e/service.js';
import { eventBridgeConnector } from '../../../connectors/eventbridge/index.js';
import { noopMetrics } from '../../../src/ports/metrics.js';
import { ACCOUNT, fn, lambdaClient, REGION } from '../async/service-kit.js';
import { silentLogger } from '../sqs/sqs-kit.js';
import {
  busWithQueue,
  createBucket,
  motoConnection,
  objects,
  topicWithQueue,
  type BusEvent,
  type SnsNotification,
} from './moto-kit.js';

type Topic = Awaited<ReturnType<typeof topicWithQueue>>;
type Bus = Awaited<ReturnType<typeof busWithQueue>>;

let svc: Service;
let lambda: LambdaClient;
let okTopic: Topic;
let failTopic: Topic;
let dlqTopic: Topic;
let bigTopic: Topic;
let bus: Bus;
let bucket: { name: string; arn: string };

const arnOf = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const dest = (onSuccess?: string, onFailure?: string) => ({
  MaximumRetryAttempts: 0,
  DestinationConfig: {
    ...(onSuccess ? { OnSuccess: { Destination: onSuccess } } : {}),
    ...(onFailure ? { OnFailure: { Destination: onFailure } } : {}),
  },
});

beforeAll(async () => {
  const topics = await Promise.all([1, 2, 3, 4].map(() => topicWithQueue()));
  [okTopic, failTopic, dlqTopic, bigTopic] = topics as [Topic, Topic, Topic, Topic];
  bus = await busWithQueue('lambda');
  bucket = await createBucket();
  svc = await startService({
    connections: { sns: motoConnection('sns'), eventbridge: motoConnection('eventbridge'), s3: motoConnection('s3') },
    tuning: { asyncRetryDelaysSeconds: [1, 2], throttleBackoffSeconds: { base: 0.2, max: 1 } },
    functions: {
      sns: fn({ EventInvokeConfig: dest(okTopic.arn, failTopic.arn) }),
      dlq: fn({ EventInvokeConfig: { MaximumRetryAttempts: 0 }, DeadLetterConfig: { TargetArn: dlqTopic.arn } }),
      big: fn({ EventInvokeConfig: dest(bigTopic.arn) }),
      eb: fn({ EventInvokeConfig: dest(bus.arn, bus.arn) }),
      s3: fn({ EventInvokeConfig: dest(undefined, bucket.arn) }),
      plain: fn(),
    },
  });
  lambda = lambdaClient(svc.url);
});

afterAll(async () => {
  lambda?.destroy();
  expect(await svc?.stop()).toBe(0);
});

async function send(name: string, event: unknown): Promise<string> {
  const out = await lambda.send(
    new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }),
  );
  expect(out.StatusCode).toBe(202);
  return out.$metadata.requestId!;
}

const recordOf = (n: SnsNotification) =>
  JSON.parse(n.Message) as { requestContext: Record<string, unknown> } & Record<string, unknown>;

describe('async destinations on SNS (moto)', () => {
  it('DEST-8 OnSuccess and OnFailure publish the invocation record as the message', async () => {
    const okId = await send('sns', { tag: 'fine' });
    const failId = await send('sns', { tag: 'broken', fail: true });
    const [ok] = await okTopic.read(1);
    expect(recordOf(ok!)).toMatchObject({
      version: '1.0',
      requestContext: { requestId: okId, functionArn: `${arnOf('sns')}:$LATEST`, condition: 'Success' },
      requestPayload: { tag: 'fine' },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      responsePayload: { tag: 'fine' },
    });
    const [failed] = await failTopic.read(1);
    expect(recordOf(failed!)).toMatchObject({
      requestContext: { requestId: failId, condition: 'RetriesExhausted', approximateInvokeCount: 1 },
      requestPayload: { tag: 'broken', fail: true },
      responseContext: { functionError: 'Unhandled' },
      responsePayload: { errorMessage: 'attempt 1 failed' },
    });
  });

  it('DEST-9 a DLQ topic gets the original event unchanged with RequestID, ErrorCode and ErrorMessage attributes', async () => {
    const original = '{"tag": "dead",  "fail": true}';
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'dlq', InvocationType: 'Event', Payload: Buffer.from(original) }),
    );
    const [note] = await dlqTopic.read(1);
    expect(note!.Message).toBe(original);
    expect(note!.MessageAttributes).toMatchObject({
      RequestID: { Type: 'String', Value: out.$metadata.requestId },
      ErrorCode: { Type: 'Number', Value: '200' },
      ErrorMessage: { Type: 'String', Value: 'attempt 1 failed' },
    });
  });

  it('DEST-8/DA-11 a record over 256 KB loses responsePayload, then requestPayload, and is still sent', async () => {
    const id = await send('big', { tag: 'x'.repeat(300 * 1024) });
    const [note] = await bigTopic.read(1);
    const record = recordOf(note!);
    expect(record.requestContext).toMatchObject({ requestId: id, condition: 'Success' });
    expect(record).not.toHaveProperty('responsePayload');
    expect(record).not.toHaveProperty('requestPayload');
    expect(record).toHaveProperty('responseContext');
  });
});

describe('async destinations on EventBridge (moto)', () => {
  it('DEST-10/DEST-12/DA-12 success and failure reach a rule as source "lambda", Lambda\'s detail-types, resources [function, bus] and the record as detail', async () => {
    const okId = await send('eb', { tag: 'eb-ok' });
    const failId = await send('eb', { tag: 'eb-fail', fail: true });
    const events = await bus.read(2);
    const byId = (id: string) =>
      events.find((e) => (e.detail.requestContext as { requestId: string }).requestId === id);
    const ok = byId(okId) as BusEvent;
    expect(ok).toMatchObject({
      version: '0',
      source: 'lambda',
      'detail-type': 'Lambda Function Invocation Result - Success',
      resources: [`${arnOf('eb')}:$LATEST`, bus.arn],
      detail: { requestContext: { condition: 'Success' }, requestPayload: { tag: 'eb-ok' } },
    });
    expect(byId(failId)).toMatchObject({
      'detail-type': 'Lambda Function Invocation Result - Failure',
      detail: { requestContext: { condition: 'RetriesExhausted' }, requestPayload: { tag: 'eb-fail', fail: true } },
    });
  });
});

describe('EventBridge source setting', () => {
  it('DA-12 an eventbridge connection with source "aws.lambda" puts events a rule on aws.lambda matches', async () => {
    const awsBus = await busWithQueue('aws.lambda');
    const destination = eventBridgeConnector.createDestination!(awsBus.arn, {
      connection: { ...motoConnection('eventbridge'), source: 'aws.lambda' },
      region: REGION,
      accountId: ACCOUNT,
      logger: silentLogger,
      metrics: noopMetrics,
    });
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: { requestId: 'r-da12', functionArn: `${arnOf('x')}:$LATEST`, condition: 'RetriesExhausted' },
      requestPayload: { n: 1 },
    };
    await destination.send(record, { functionName: 'x' });
    await destination.close();
    const [event] = await awsBus.read(1);
    expect(event).toMatchObject({
      source: 'aws.lambda',
      'detail-type': 'Lambda Function Invocation Result - Failure',
      detail: record,
    });
  });
});

describe('async OnFailure on S3 (moto)', () => {
  it('DEST-1/DEST-4 a failed event becomes one object under aws/lambda/async/<function>/YYYY/MM/DD/… holding the invocation record', async () => {
    const id = await send('s3', { tag: 's3', fail: true });
    const [object] = await objects(bucket.name, 1);
    expect(object!.key).toMatch(
      /^aws\/lambda\/async\/s3\/\d{4}\/\d\d\/\d\d\/\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d-[0-9a-f-]{36}$/,
    );
    expect(object!.body).toMatchObject({
      requestContext: { requestId: id, condition: 'RetriesExhausted' },
      requestPayload: { tag: 's3', fail: true },
      responsePayload: { errorMessage: 'attempt 1 failed' },
    });
  });
});

describe('destination roles over the API', () => {
  it('DEST-1 PutFunctionEventInvokeConfig refuses an S3 OnSuccess; DEST-10 accepts an EventBridge bus', async () => {
    const put = (d: object) =>
      lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'plain', DestinationConfig: d }));
    await expect(put({ OnSuccess: { Destination: bucket.arn } })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('an S3 bucket can only be an OnFailure destination') as unknown,
    });
    await expect(put({ OnFailure: { Destination: bucket.arn } })).resolves.toBeDefined();
    await expect(put({ OnSuccess: { Destination: bus.arn } })).resolves.toBeDefined();
  });
});
