// Issue #14 item 4 (CON-1, CON-5): 1,000 concurrent no-op sync invokes through the HTTP Invoke API of the
// built service, with the default runtime settings. Environments are bounded, so the service and its
// environments stay within memory; every call is answered 200 or 429 TooManyRequestsException.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FIXTURES, startService, type Service } from '../e2e/service.js';
import { treeMemory, type TreeMemory } from './process-tree.js';

const CALLS = 1000;
let svc: Service;

beforeAll(async () => {
  svc = await startService({ functions: { noop: { Handler: 'functions.echo', CodeUri: FIXTURES } } });
});
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
});

// One connection per call, all at once (no pooling limit): the hostile shape of the load.
function request(path: string, method: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${svc.url}${path}`, { method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Answer {
  status: number;
  ms: number;
  reason?: string;
}

function burst(call: (i: number) => Promise<{ status: number; body: string }>): Promise<Answer[]> {
  return Promise.all(
    Array.from({ length: CALLS }, async (_, i) => {
      const t = performance.now();
      const res = await call(i);
      const ms = performance.now() - t;
      if (res.status !== 429) return { status: res.status, ms };
      return { status: res.status, ms, reason: (JSON.parse(res.body) as { Reason?: string }).Reason };
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

it('CON-5 1,000 concurrent no-op invokes: each answered 200 or 429 with a Reason; memory stays bounded', async () => {
  // The HTTP floor on this machine: the same burst against /healthz, which invokes nothing.
  const floor = await burst(() => request('/healthz', 'GET'));
  const pid = svc.child.pid!;
  const before = treeMemory(pid);
  let peak: TreeMemory = before;
  const sampler = setInterval(() => {
    const now = treeMemory(pid);
    if (now.treePssMb > peak.treePssMb) peak = now;
  }, 20);

  const started = performance.now();
  const answers = await burst((i) => request('/2015-03-31/functions/noop/invocations', 'POST', JSON.stringify({ i })));
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  const after = treeMemory(pid);
  if (after.treePssMb > peak.treePssMb) peak = after;

  const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
  const count = (status: number) => answers.filter((a) => a.status === status).length;
  const figures = {
    calls: CALLS,
    ok200: count(200),
    throttled429: count(429),
    other: answers.filter((a) => a.status !== 200 && a.status !== 429).length,
    wallMs: Math.round(wallMs),
    p50Ms: Math.round(percentile(latencies, 50)),
    healthzFloorP50Ms: Math.round(
      percentile(
        floor.map((a) => a.ms).sort((a, b) => a - b),
        50,
      ),
    ),
    p99Ms: Math.round(percentile(latencies, 99)),
    maxMs: Math.round(latencies.at(-1) ?? 0),
    before: round(before),
    peak: round(peak),
  };
  process.stdout.write(`\nabuse probe: environments\n${JSON.stringify(figures, null, 2)}\n`);

  expect(figures.other).toBe(0);
  for (const a of answers.filter((x) => x.status === 429)) expect(a.reason).toBe('ConcurrentInvocationLimitExceeded');
  expect(figures.ok200).toBeGreaterThan(0);
  // The service and its environments (shared pages of the node binary counted once, as a container's
  // memory cgroup counts them); the plain RSS sum and the latencies are printed, not asserted.
  expect(peak.serviceRssMb).toBeLessThan(400);
  expect(peak.treePssMb).toBeLessThan(400);
  // The service is still serving.
  expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
});

function round(m: TreeMemory): TreeMemory {
  const r = (x: number) => Math.round(x);
  return {
    serviceRssMb: r(m.serviceRssMb),
    treeRssMb: r(m.treeRssMb),
    treePssMb: r(m.treePssMb),
    processes: m.processes,
  };
}
