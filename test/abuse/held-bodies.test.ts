// 100 clients each holding a 5 MB request body, then 100 sending one at once. Before the body budget every
// held body was buffered (about 520 MB of RSS) and 6 MB JSON bodies were parsed on the main loop (seconds of
// /healthz stall). Now bodies are admitted against server.maxBufferedBodyBytes before anything is read.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startService, type Service } from '../e2e/service.js';
import { memoryOf, p, startProbe, timeGets } from './probe.js';

const CLIENTS = 100;
const BODY = 5 * 1024 * 1024;
const BUDGET = 64 * 1024 * 1024;
// One shared buffer: a JSON prefix `{"ms":1,"pad":"xxx…` that the closing `"}` completes.
const prefix = Buffer.concat([Buffer.from('{"ms":1,"pad":"'), Buffer.alloc(BODY - 17, 'x')]);
const tail = Buffer.from('"}');

let svc: Service;
let baselineMb = 0;
/** Ends held uploads when a test fails half-way, so SIGTERM is not left waiting for them. */
let cleanup = () => {};

beforeAll(async () => {
  // Two execution environments at most: each one holds its own copy of a 5 MB event, and bounding those is the
  // function runtime's business (execution environments), not the HTTP layer's.
  svc = await startService({
    functions: { slow: { Handler: 'functions.slow', CodeUri: FIXTURES, Timeout: 30, ReservedConcurrentExecutions: 2 } },
  });
  baselineMb = memoryOf(svc.child.pid ?? 0).rssMb;
});
afterAll(async () => {
  cleanup();
  expect(await svc.stop()).toBe(0);
});

interface Client {
  req: http.ClientRequest;
  answer: Promise<{ status: number; type: string | undefined }>;
}

function open(port: string, complete: boolean): Client {
  const req = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/2015-03-31/functions/slow/invocations',
    headers: { 'Content-Length': String(BODY), 'Content-Type': 'application/json' },
    agent: false,
  });
  const answer = new Promise<{ status: number; type: string | undefined }>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, type: res.headers['x-amzn-errortype'] as string | undefined });
    });
    // A refused client may see its upload cut after the answer: the answer is what counts.
    req.on('error', () => resolve({ status: -1, type: undefined }));
  });
  req.write(prefix);
  if (complete) req.end(tail);
  return { req, answer };
}

async function settled(answers: Array<Promise<unknown>>, want: number, timeoutMs: number): Promise<number> {
  let done = 0;
  for (const a of answers) void a.then(() => done++);
  const deadline = Date.now() + timeoutMs;
  while (done < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return done;
}

describe('abuse: request bodies', () => {
  it(`ASY-2 ${CLIENTS} clients holding 5 MB bodies: the overflow gets 429 at once, RSS stays bounded, health answers`, async () => {
    const port = new URL(svc.url).port;
    const clients = Array.from({ length: CLIENTS }, () => open(port, false));
    cleanup = () => clients.forEach((c) => c.req.destroy());
    const admitted = Math.floor(BUDGET / BODY);
    const answered = await settled(
      clients.map((c) => c.answer),
      CLIENTS - admitted,
      60_000,
    );
    const health = await timeGets(`${svc.url}/healthz`, 20);
    const metrics = await timeGets(`${svc.url}/metrics`, 5);
    expect([...health, ...metrics].every((t) => t >= 0)).toBe(true);
    const mem = memoryOf(svc.child.pid ?? 0);
    const early = await Promise.all(clients.map((c) => Promise.race([c.answer, Promise.resolve(undefined)])));
    // Refused: 429 TooManyRequestsException, or (rarely) a reset the client saw before reading that answer.
    const refused = early.filter(
      (a) => (a?.status === 429 && a.type === 'TooManyRequestsException') || a?.status === -1,
    ).length;
    const rejected429 = early.filter((a) => a?.status === 429).length;
    console.log(
      `held bodies: ${CLIENTS} × 5 MB, budget 64 MB → ${refused} refused with 429, ${CLIENTS - answered} held; ` +
        `/healthz p50 ${p(health, 0.5).toFixed(1)} ms max ${Math.max(...health).toFixed(1)} ms; ` +
        `/metrics max ${Math.max(...metrics).toFixed(1)} ms; RSS ${baselineMb.toFixed(0)} → ${mem.rssMb.toFixed(0)} MB ` +
        `(peak ${mem.peakMb.toFixed(0)} MB)`,
    );
    expect(answered).toBeGreaterThanOrEqual(CLIENTS - admitted);
    expect(refused).toBeGreaterThanOrEqual(CLIENTS - admitted);
    expect(rejected429).toBeGreaterThan(CLIENTS / 2);
    expect(CLIENTS - answered).toBeLessThanOrEqual(admitted);
    // Old code: every held body buffered, about 520 MB more.
    expect(mem.peakMb - baselineMb).toBeLessThan(200);
    expect(Math.max(...health)).toBeLessThan(1000);
    // The held ones complete normally once their bodies arrive.
    for (const c of clients) c.req.end(tail);
    // Each is invoked, or throttled by the function's reserved concurrency of 2 (never refused for its body).
    const final = await Promise.all(clients.map((c) => c.answer));
    expect(final.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(final.every((a) => a.status === 200 || a.status === 429 || a.status === -1)).toBe(true);
  });

  it(`ASY-2 ERR-5 ${CLIENTS} clients sending 5 MB JSON bodies at once: /healthz and /metrics keep answering`, async () => {
    const port = new URL(svc.url).port;
    const probes = [startProbe(`${svc.url}/healthz`), startProbe(`${svc.url}/metrics`)];
    await Promise.all(probes.map((pr) => pr.ready));
    const clients = Array.from({ length: CLIENTS }, () => open(port, true));
    cleanup = () => clients.forEach((c) => c.req.destroy());
    const answers = await Promise.all(clients.map((c) => c.answer));
    const [health = [], metrics = []] = await Promise.all(probes.map((pr) => pr.stop()));
    const mem = memoryOf(svc.child.pid ?? 0);
    const ok = answers.filter((a) => a.status === 200).length;
    // 429: over the body budget, or throttled by the function's reserved concurrency; -1: the upload was cut
    // after the 429 answer went out (the client saw the reset first).
    const busy = answers.filter((a) => a.status === 429 || a.status === -1).length;
    console.log(
      `full bodies: ${CLIENTS} × 5 MB at once → ${ok} invoked, ${busy} refused with 429; /healthz ${health.length} ` +
        `probes p50 ${p(health, 0.5).toFixed(1)} ms p99 ${p(health, 0.99).toFixed(1)} ms max ` +
        `${Math.max(...health).toFixed(1)} ms; /metrics max ${Math.max(...metrics).toFixed(1)} ms; peak RSS ` +
        `${mem.peakMb.toFixed(0)} MB (baseline ${baselineMb.toFixed(0)} MB); probes ${health.map((t) => t.toFixed(0)).join(' ')}`,
    );
    expect(ok + busy).toBe(CLIENTS);
    expect(ok).toBeGreaterThan(0);
    expect([...health, ...metrics].every((t) => t >= 0)).toBe(true);
    // Generous bounds for a shared 2-core machine; the figures above are the measurement (target: 100 ms).
    expect(p(health, 0.5)).toBeLessThan(500);
    expect(Math.max(...health, ...metrics)).toBeLessThan(2000);
    // Transient: refused uploads read until their connection closes and the parse copies wait for GC.
    expect(mem.peakMb - baselineMb).toBeLessThan(400);
  });
});
