// A Kafka mapping whose brokers cannot be reached at start: the service starts, the mapping retries (shard
// discovery) and /readyz answers 503 naming it until the brokers answer. The bootstrap address is a port that is
// closed at first and then forwards to the shared broker (which then advertises its own address).
import net from 'node:net';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { eventually, startService, type Service } from '../../e2e/service.js';
import { kafkaBrokers } from './env.js';
import { createTopic, rawKafka } from './helpers.js';

let svc: Service | undefined;
let proxy: net.Server | undefined;
afterAll(async () => {
  if (svc !== undefined) expect(await svc.stop()).toBe(0);
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
});

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

interface Readyz {
  mappingsNotRunning: Array<{ uuid: string; state: string; error?: string }>;
}

it('KAF-1 a mapping whose brokers are down at start retries; /readyz 503 names it until the group is joined', async () => {
  const topic = await createTopic(rawKafka(), 1);
  const port = await closedPort();
  const uuid = 'a1b2c3d4-0000-4000-8000-000000000001';
  svc = await startService({
    connections: { k: { type: 'kafka', brokers: [`127.0.0.1:${port}`], consumer: { heartbeatIntervalMs: 500 } } },
    functions: { k: { Handler: 'handlers.kafka', CodeUri: path.resolve('test/fixtures/service') } },
    eventSourceMappings: [
      {
        UUID: uuid,
        FunctionName: 'k',
        EventSourceArn: `kafka://${topic}`,
        Connection: 'k',
        StartingPosition: 'TRIM_HORIZON',
      },
    ],
  });
  const url = svc.url;
  const readyz = async () => {
    const r = await fetch(`${url}/readyz`);
    return { status: r.status, body: (await r.json()) as Readyz };
  };
  const first = await readyz();
  expect(first.status).toBe(503);
  expect(first.body.mappingsNotRunning).toEqual([expect.objectContaining({ uuid })]);
  // Once kafkajs gives up connecting, the error is shown.
  const failing = await eventually(async () => {
    const r = await readyz();
    return r.body.mappingsNotRunning[0]?.state === 'retrying' ? r.body.mappingsNotRunning[0] : undefined;
  }, 60_000);
  expect(failing.error).toMatch(/ECONNREFUSED|Connection error/);

  const [host, targetPort] = kafkaBrokers()[0]!.split(':') as [string, string];
  proxy = net.createServer((client) => {
    const upstream = net.connect(Number(targetPort), host);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => proxy!.listen(port, '127.0.0.1', r));
  await eventually(async () => ((await readyz()).status === 200 ? true : undefined), 90_000);

  const producer = rawKafka().producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: 'late-m0' }] });
  await producer.disconnect();
  await svc.waitForLog(new RegExp(`KAFKA SelfManagedKafka ${topic}-0 late-m0\\b`), 60_000);
}, 240_000);
