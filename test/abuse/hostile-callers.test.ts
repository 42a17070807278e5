// Probes a hostile caller (or a web page the operator happens to open) can send: foreign Host names (DNS
// rebinding), cross-site Origins, destinations that would carry a connection's credentials elsewhere or
// write into sluice's own state, and floods of the memory sources.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../services/inject.js';
import { errorType, rawRequest } from '../e2e/raw-http.js';
import { eventually, FIXTURES, startService, type Service } from '../e2e/service.js';
import { memoryOf } from './probe.js';

let svc: Service;
let collector: http.Server;
const seen: Array<{ path: string; auth?: string }> = [];
let base = '';
const fn = (handler: string) => ({ Handler: `functions.${handler}`, CodeUri: FIXTURES });
const ROUTES: Array<[string, string]> = [
  ['GET', '/healthz'],
  ['GET', '/readyz'],
  ['GET', '/metrics'],
  ['POST', '/2015-03-31/functions/echo/invocations'],
  ['POST', '/2014-11-13/functions/echo/invoke-async/'],
  ['PUT', '/2019-09-25/functions/fail/event-invoke-config'],
  ['GET', '/2015-03-31/event-source-mappings/'],
  ['POST', '/sluice/memory/queues/q/messages'],
  // #21: the operator page (served before auth) and the filter dry-run.
  ['GET', '/sluice/ui/'],
  ['GET', '/sluice/ui/page.js'],
  ['GET', '/sluice/mappings/x/test-pattern'],
];

beforeAll(async () => {
  collector = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', auth: req.headers.authorization });
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  svc = await startService({
    limits: { memorySources: { maxBytes: 4 * 1024 * 1024 } },
    state: { type: 'memory', keyPrefix: 'sluice' },
    connections: {
      hooks: { type: 'http', baseUrl: `${base}/hooks/`, headers: { Authorization: 'Bearer hook-secret' } },
      redis: { type: 'redis', url: 'redis://127.0.0.1:1' },
      kafka: { type: 'kafka', brokers: ['127.0.0.1:1'] },
    },
    functions: { echo: fn('echo'), fail: { ...fn('fail'), EventInvokeConfig: { MaximumRetryAttempts: 0 } } },
  });
});
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
  await new Promise((r) => collector.close(r));
});

describe('abuse: hostile callers', () => {
  it('foreign Host names and cross-site Origins are refused on every route before anything runs', async () => {
    const probes: Array<Record<string, string>> = [
      { Host: 'rebind.attacker.example' },
      { Host: '127.0.0.1.attacker.example' },
      { Host: '127.evil.com' },
      { Origin: 'https://attacker.example' },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'cross-site' },
    ];
    let refused = 0;
    for (const headers of probes)
      for (const [method, path] of ROUTES) {
        const body = path.includes('event-invoke-config')
          ? JSON.stringify({ DestinationConfig: { OnFailure: { Destination: `${base}/hooks/x` } } })
          : '{}';
        const a = await rawRequest(svc.url, path, { method, headers, body });
        expect([421, 403]).toContain(a.status);
        expect(['MisdirectedRequestException', 'AccessDeniedException']).toContain(errorType(a));
        refused++;
      }
    console.log(`hostile Host/Origin probes: ${refused} of ${probes.length * ROUTES.length} refused`);
    // Nothing changed: the CSRF attempt did not set a destination.
    const config = await rawRequest(svc.url, '/2019-09-25/functions/fail/event-invoke-config');
    expect(JSON.parse(config.body)).toMatchObject({ DestinationConfig: { OnFailure: {} } });
  });

  it('ASY-9 destination redirects over the API are refused, and no credentialed request leaves for them', async () => {
    const port = new URL(base).port;
    const redirects = [
      'redis://sluice:checkpoints:x',
      'redis://{sluice:async}:due',
      'kafka://__consumer_offsets',
      'kafka://__transaction_state',
      `http://localhost:${port}/elsewhere`,
      `http://127.0.0.1:${port}/hooksx`,
      `http://127.0.0.1:${port}/hooks/../admin`,
      `http://user:pw@127.0.0.1:${port}/hooks/x`,
      'https://attacker.example/collect',
      'arn:aws:lambda:us-east-1:111111111111:function:echo',
      'arn:aws:sqs:us-east-1:000000000000:no-sqs-connection',
      'file:///etc/passwd',
    ];
    for (const dest of redirects) {
      const a = await rawRequest(svc.url, '/2019-09-25/functions/fail/event-invoke-config', {
        method: 'PUT',
        body: JSON.stringify({ MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: dest } } }),
      });
      expect(a.status, dest).toBe(400);
      expect(errorType(a)).toBe('InvalidParameterValueException');
    }
    // A failing async event now has no destination: nothing reaches the collector.
    const marker = uniqueName('abuse');
    const inv = await rawRequest(svc.url, '/2015-03-31/functions/fail/invocations', {
      method: 'POST',
      headers: { 'X-Amz-Invocation-Type': 'Event' },
      body: JSON.stringify({ marker }),
    });
    expect(inv.status).toBe(202);
    await svc.waitForLog(/async event dropped: no on-failure destination/);
    expect(seen).toEqual([]);
    // The allowed form still works, with the connection's header on its own base URL only.
    const ok = await rawRequest(svc.url, '/2019-09-25/functions/fail/event-invoke-config', {
      method: 'PUT',
      body: JSON.stringify({
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: `${base}/hooks/f` } },
      }),
    });
    expect(ok.status).toBe(200);
    await rawRequest(svc.url, '/2015-03-31/functions/fail/invocations', {
      method: 'POST',
      headers: { 'X-Amz-Invocation-Type': 'Event' },
      body: '{}',
    });
    await eventually(() => Promise.resolve(seen.length > 0 ? true : undefined));
    expect(seen).toEqual([{ path: '/hooks/f', auth: 'Bearer hook-secret' }]);
  });

  it('a memory source flood stops at limits.memorySources with 429; RSS stays bounded', async () => {
    const before = memoryOf(svc.child.pid ?? 0).rssMb;
    const body = 'm'.repeat(200 * 1024);
    let accepted = 0;
    let full: Awaited<ReturnType<typeof rawRequest>> | undefined;
    for (let i = 0; i < 200 && full === undefined; i++) {
      const a = await rawRequest(svc.url, `/sluice/memory/queues/${i % 2 === 0 ? 'a' : 'b'}-${i % 7}/messages`, {
        method: 'POST',
        body,
      });
      if (a.status === 200) accepted++;
      else full = a;
    }
    const after = memoryOf(svc.child.pid ?? 0).rssMb;
    console.log(
      `memory flood: ${accepted} × 200 KB accepted, then ${full?.status}; RSS ${before.toFixed(0)} → ${after.toFixed(0)} MB`,
    );
    expect(accepted).toBe(20); // 4 MB / 200 KB
    expect(full?.status).toBe(429);
    expect(full?.body).toContain('memory sources are full');
    expect(after - before).toBeLessThan(100);
  });
});
