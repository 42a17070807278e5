// Destinations down never lose a record (DESIGN "Nothing lost", STR-30, ASY-10): the built service (npm run build
// first) points its s3 and sns connections at a loopback port where nothing listens yet; a Kinesis poison batch
// (S3 on-failure) and a failed async event (SNS OnFailure) are counted as delivery failures and kept, then a moto
// started on that port receives both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, startService, type Service } from '../../e2e/service.js';
import { closeClients, kinesisClient, uniqueName } from '../../services/inject.js';
import { freePort } from '../../services/ports.js';
import type { ServerProcess } from '../../services/proc.js';
import { startMoto } from '../../services/servers/moto.js';
import { fn as asyncFn, lambdaClient } from '../async/service-kit.js';
import { createStream, fixtureFunction, kinesisArn, putKinesis, serviceConfig } from '../streams/kit.js';
import { createBucket, MOTO_ACCOUNT, motoConnection, objects, REGION, topicWithQueue } from './moto-kit.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await closeClients();
});

describe('destination down, then back', () => {
  it('STR-30/ASY-10 nothing lost: S3 and SNS deliveries fail and are counted while the server is down, then arrive once it is up', async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const bucketName = uniqueName('down').toLowerCase();
    const topicName = uniqueName('down');
    const stream = uniqueName('down');
    const kinesis = kinesisClient();
    await createStream(kinesis, stream, 1);
    await putKinesis(kinesis, stream, [{ id: 'kept', poison: 1 }]);

    const base = serviceConfig({
      functions: {
        streamFn: fixtureFunction(uniqueName('fn')),
        asyncFn: asyncFn({
          EventInvokeConfig: {
            MaximumRetryAttempts: 0,
            DestinationConfig: { OnFailure: { Destination: `arn:aws:sns:${REGION}:${MOTO_ACCOUNT}:${topicName}` } },
          },
        }),
      },
      mappings: [
        {
          FunctionName: 'streamFn',
          EventSourceArn: kinesisArn(stream),
          StartingPosition: 'TRIM_HORIZON',
          MaximumRetryAttempts: 0,
          DestinationConfig: { OnFailure: { Destination: `arn:aws:s3:::${bucketName}` } },
        },
      ],
    }) as { connections: Record<string, unknown> };
    const svc: Service = await startService({
      ...base,
      connections: { ...base.connections, s3: motoConnection('s3', endpoint), sns: motoConnection('sns', endpoint) },
    });
    cleanup.push(() => svc.stop());

    const lambda = lambdaClient(svc.url);
    cleanup.push(() => Promise.resolve(lambda.destroy()));
    const sent = await lambda.send(
      new InvokeCommand({
        FunctionName: 'asyncFn',
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ tag: 'kept', fail: true })),
      }),
    );
    const failures = (fnName: string, type: string) =>
      metricValue(svc.url, 'sluice_destination_delivery_failures_total', { function: fnName, destination_type: type });
    await eventually(async () => ((await failures('streamFn', 's3')) >= 1 ? true : undefined), 30_000);
    await eventually(async () => ((await failures('asyncFn', 'sns')) >= 1 ? true : undefined), 30_000);

    // The server comes up where the connections point; the targets exist from then on.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-moto-down-'));
    const started: { proc?: ServerProcess } = {};
    cleanup.push(async () => {
      await started.proc?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    started.proc = (await startMoto(dataDir, false, port)).proc;
    const topic = await topicWithQueue(endpoint, topicName);
    await createBucket(endpoint, bucketName);

    const [note] = await topic.read(1);
    expect(JSON.parse(note!.Message)).toMatchObject({
      requestContext: { requestId: sent.$metadata.requestId, condition: 'RetriesExhausted' },
      requestPayload: { tag: 'kept', fail: true },
    });
    const [object] = await objects(bucketName, 1, endpoint);
    const payload = JSON.parse((object!.body as { payload: string }).payload) as {
      Records: Array<{ kinesis: { data: string } }>;
    };
    expect(payload.Records.map((r) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString()) as unknown)).toEqual(
      [{ id: 'kept', poison: 1 }],
    );
  });
});
