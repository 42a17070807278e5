// One unreachable source does not stop the service: an SQS mapping whose endpoint is down at start is retried
// with backoff while the service runs (the other mappings too); /readyz answers 503 naming the mapping and its
// error, sluice_mapping_state says `retrying`; once the endpoint answers (here a TCP proxy to the shared ElasticMQ,
// opened later on the port that was closed) the mapping starts and the service becomes ready.
import net from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { eventually, metricValue, startService, type Service } from '../../e2e/service.js';
import { sqsEndpoint } from './env.js';
import { SqsTestBed } from './sqs-kit.js';
import { fixtureFunction, outFile, readSeen, sqsConnections, sqsMapping } from './service-kit.js';

const bed = new SqsTestBed();
let svc: Service | undefined;
let proxy: net.Server | undefined;
afterAll(async () => {
  if (svc !== undefined) expect(await svc.stop()).toBe(0);
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  await bed.close();
});

/** A loopback port nothing listens on (yet). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Forwards every connection on `port` to the shared ElasticMQ. */
async function proxyTo(port: number, target: URL): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return server;
}

interface Readyz {
  ready: boolean;
  mappingsNotRunning: Array<{ uuid: string; state: string; error?: string }>;
}

it('an SQS mapping whose endpoint is down at start is retried while the others run; /readyz 503 names it until it runs', async () => {
  const out = outFile();
  const down = await bed.createQueue('unreachable', { VisibilityTimeout: '30' });
  const up = await bed.createQueue('reachable', { VisibilityTimeout: '30' });
  const port = await closedPort();
  const real = sqsConnections().sqs as Record<string, unknown>;
  const late = sqsMapping('rec', down.arn, { Connection: 'late' });
  const fine = sqsMapping('rec', up.arn);
  svc = await startService({
    connections: { ...sqsConnections(), late: { ...real, endpoint: `http://127.0.0.1:${port}` } },
    functions: { rec: fixtureFunction('record', out, { Timeout: 3 }) },
    eventSourceMappings: [late, fine],
  });
  const url = svc.url;

  // Started (the other mapping runs) but not ready: the body names the mapping and why.
  const r = await fetch(`${url}/readyz`);
  expect(r.status).toBe(503);
  const body = (await r.json()) as Readyz;
  expect(body.ready).toBe(false);
  expect(body.mappingsNotRunning.map((m) => m.uuid)).toEqual([late.UUID]);
  expect(body.mappingsNotRunning[0]!.state).toBe('retrying');
  expect(body.mappingsNotRunning[0]!.error).toMatch(/ECONNREFUSED|connect/i);
  const state = (mapping: Record<string, unknown>, s: string) =>
    metricValue(url, 'sluice_mapping_state', { mapping: String(mapping.UUID), state: s });
  expect(await state(late, 'retrying')).toBe(1);
  expect(await state(fine, 'running')).toBe(1);
  await bed.send(up, ['fine-1']);
  await eventually(() => Promise.resolve(readSeen(out).some((s) => s.body === 'fine-1') ? true : undefined), 30_000);

  // The endpoint comes up: the mapping starts at its next attempt (backoff ≤ 30 s) and the service is ready.
  proxy = await proxyTo(port, new URL(sqsEndpoint()));
  await eventually(async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined), 90_000);
  expect(await state(late, 'running')).toBe(1);
  expect(await state(late, 'retrying')).toBe(0);
  await bed.send(down, ['late-1']);
  await eventually(() => Promise.resolve(readSeen(out).some((s) => s.body === 'late-1') ? true : undefined), 30_000);
}, 180_000);
