// API-7 through the built service: a mapping with `Enabled: false` neither polls nor invokes, and enabling it
// (mappings come from the config file, so: Enabled true and a restart) starts polling. A stream mapping resumes
// after its last processed record, not from its StartingPosition. Build first: npm run build.
import { randomUUID } from 'node:crypto';
import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { metricValue, startService, type Service } from '../../e2e/service.js';
import { closeClients, kinesisClient, uniqueName } from '../../services/inject.js';
import { SqsTestBed } from '../sqs/sqs-kit.js';
import { fixtureFunction, outFile, readSeen, sqsConnections, sqsMapping } from '../sqs/service-kit.js';
import {
  createStream,
  delivered,
  fixtureFunction as streamFunction,
  kinesisArn,
  putKinesis,
  serviceConfig,
  waitFor,
} from '../streams/kit.js';

const bed = new SqsTestBed();
const services: Service[] = [];
const streams: string[] = [];
let kinesis: KinesisClient | undefined;

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  for (const name of streams) await kinesis?.send(new DeleteStreamCommand({ StreamName: name })).catch(() => undefined);
  await closeClients();
  await bed.close();
});

async function start(config: object): Promise<Service> {
  const svc = await startService(config);
  services.push(svc);
  return svc;
}

describe('API-7 Enabled', () => {
  it('API-7 Enabled false: nothing is received from the queue; enabling it starts polling', async () => {
    const off = await bed.createQueue('api7-off');
    const control = await bed.createQueue('api7-on');
    const bodies = Array.from({ length: 5 }, (_, i) => `off-${i}`);
    await bed.send(off, bodies);
    const out = outFile();
    const disabled = sqsMapping('rec', off.arn, { Enabled: false });
    const config = (enabled: boolean) => ({
      connections: sqsConnections(),
      functions: { rec: fixtureFunction('record', out, { Timeout: 1 }) },
      eventSourceMappings: [{ ...disabled, Enabled: enabled }, sqsMapping('rec', control.arn)],
    });
    const svc = await start(config(false));
    // The service is polling: a message on the enabled mapping's queue is handled. A disabled mapping that polled
    // anyway would have long-polled its five waiting messages by then; give it a second more all the same.
    await bed.send(control, ['ctl']);
    await waitFor('the control message', () => (readSeen(out).some((s) => s.body === 'ctl') ? true : undefined));
    await new Promise((r) => setTimeout(r, 1000));
    const attrs = await bed.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: off.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(attrs.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '5',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    expect(readSeen(out).filter((s) => s.body.startsWith('off-'))).toEqual([]);
    expect(await metricValue(svc.url, 'sluice_polled_events_total', { mapping: String(disabled.UUID) })).toBe(0);
    expect(await svc.stop()).toBe(0);

    await start(config(true));
    await waitFor('the five messages', async () => ((await bed.remaining(off)) === 0 ? true : undefined));
    const got = readSeen(out).filter((s) => s.body.startsWith('off-'));
    expect(got.map((s) => s.body).sort()).toEqual(bodies);
    // ApproximateReceiveCount 1: no ReceiveMessage ever took them while the mapping was disabled.
    expect(got.map((s) => s.count)).toEqual([1, 1, 1, 1, 1]);
  });

  it('API-7 a re-enabled stream mapping resumes after its last processed record (Redis checkpoints), not at LATEST', async () => {
    kinesis = kinesisClient();
    const stream = uniqueName('api7-stream');
    streams.push(stream);
    await createStream(kinesis, stream, 1);
    const fn = 'kin-api7';
    const mapping = {
      UUID: randomUUID(),
      FunctionName: fn,
      EventSourceArn: kinesisArn(stream),
      Connection: 'kinesis',
      StartingPosition: 'LATEST',
    };
    const config = (enabled: boolean) =>
      serviceConfig({
        state: { type: 'redis', connection: 'redis' },
        functions: { [fn]: streamFunction(fn) },
        mappings: [{ ...mapping, Enabled: enabled }],
      });
    const ids = () => delivered(fn).map((r) => r.id);
    const put = (prefix: string) =>
      putKinesis(
        kinesis!,
        stream,
        Array.from({ length: 3 }, (_v, i) => ({ id: `${prefix}${i}` })),
      );

    const first = await start(config(true));
    await put('a'); // LATEST: the mapping is running before these are written
    await waitFor('a0..a2', () => (ids().length >= 3 ? true : undefined));
    expect(await first.stop()).toBe(0);

    const disabled = await start(config(false));
    await put('b');
    await new Promise((r) => setTimeout(r, 1500)); // several idle poll intervals (100 ms)
    expect(ids()).toEqual(['a0', 'a1', 'a2']);
    expect(await disabled.stop()).toBe(0);

    const again = await start(config(true));
    await waitFor('b0..b2', () => (ids().length >= 6 ? true : undefined));
    await put('c');
    await waitFor('c0..c2', () => (ids().length >= 9 ? true : undefined));
    expect(await again.stop()).toBe(0);
    // b* were written while the mapping was disabled: resumed after a2, not skipped to LATEST and not replayed.
    expect(ids()).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2', 'c0', 'c1', 'c2']);
  });
});
