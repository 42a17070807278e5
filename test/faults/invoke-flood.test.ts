// Scenario e: a flood of bad Invoke requests, concurrently with good ones: invalid X-Amz-Invocation-Type,
// bodies that are not JSON, bodies over 6 MB (sync) and over 1 MB (Event), unknown and invalid function names.
// Every request must get its own status and Lambda exception name (ERR-5, ASY-2); the service stays up
// (/healthz 200) and a normal invoke still works afterwards.
import { afterAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { FAULT_FIXTURES, Sluice, audit } from './harness.js';

let sluice: Sluice | undefined;
afterAll(async () => {
  await sluice?.stop();
});

interface Case {
  name: string;
  fn: string;
  body: () => string;
  headers?: Record<string, string>;
  status: number;
  errorType?: string;
  /** Rounds this case takes part in (default all). */
  rounds?: number;
}

const MB = 1024 * 1024;

/** The child's peak resident set (Linux /proc), to show big bodies are not buffered whole. */
function peakRssMb(pid: number): string {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? 'n/a' : `${Math.round(Number(kb) / 1024)} MB`;
  } catch {
    return 'n/a';
  }
}
const CASES: Case[] = [
  { name: 'ok', fn: 'echo', body: () => '{"a":1}', status: 200 },
  {
    name: 'bad invocation type',
    fn: 'echo',
    body: () => '{}',
    headers: { 'X-Amz-Invocation-Type': 'Sometimes' },
    status: 400,
    errorType: 'InvalidParameterValueException',
  },
  { name: 'bad JSON', fn: 'echo', body: () => '{"a":', status: 400, errorType: 'InvalidRequestContentException' },
  {
    name: 'sync body > 6 MB',
    fn: 'echo',
    body: () => JSON.stringify({ pad: 'x'.repeat(7 * MB) }),
    status: 413,
    errorType: 'RequestTooLargeException',
  },
  {
    name: 'Event body > 1 MB',
    fn: 'echo',
    body: () => JSON.stringify({ pad: 'x'.repeat(2 * MB) }),
    headers: { 'X-Amz-Invocation-Type': 'Event' },
    status: 413,
    errorType: 'RequestTooLargeException',
  },
  {
    name: 'huge body (48 MB)',
    fn: 'echo',
    body: () => 'x'.repeat(48 * MB),
    status: 413,
    errorType: 'RequestTooLargeException',
    rounds: 4,
  },
  { name: 'unknown function', fn: 'nope', body: () => '{}', status: 404, errorType: 'ResourceNotFoundException' },
  { name: 'invalid function name', fn: 'bad%20name!', body: () => '{}', status: 400 },
];

it('ERR-5/ASY-2 a flood of bad Invoke requests: each gets the right error, the service stays up', async () => {
  sluice = await Sluice.start({
    functions: {
      echo: { Handler: 'handlers.echo', CodeUri: FAULT_FIXTURES, ReservedConcurrentExecutions: 50 },
    },
  });
  const url = sluice.url;
  // 40 rounds of every case, 28 requests in flight at a time; big bodies are built once per case.
  const bodies = new Map(CASES.map((c) => [c.name, c.body()]));
  const requests = Array.from({ length: 40 }, (_, round) =>
    CASES.filter((c) => round < (c.rounds ?? Infinity)).map((c) => ({ id: `${c.name}#${round}`, c })),
  ).flat();
  const answered: string[] = [];
  const wrong = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    for (let r = requests[next++]; r !== undefined; r = requests[next++]) {
      try {
        const res = await fetch(`${url}/2015-03-31/functions/${r.c.fn}/invocations`, {
          method: 'POST',
          body: bodies.get(r.c.name)!,
          headers: r.c.headers ?? {},
        });
        await res.arrayBuffer();
        const errorType = res.headers.get('x-amzn-errortype') ?? undefined;
        if (res.status === r.c.status && (r.c.errorType === undefined || errorType === r.c.errorType))
          answered.push(r.id);
        else wrong.set(r.id, `${res.status} ${errorType}`);
      } catch (err) {
        wrong.set(
          r.id,
          `no answer: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : String(err)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: 28 }, worker));
  const peakRss = peakRssMb(sluice.pid);

  const row = audit({
    scenario: 'e. Invoke API flood (bad headers, bad JSON, >6 MB, unknown fn)',
    produced: requests.map((r) => r.id),
    handled: [],
    processedIds: answered,
    note: `${requests.length} requests, 28 concurrent; "processed" = right status and exception; peak RSS ${peakRss}`,
  });
  expect(Object.fromEntries([...wrong].slice(0, 10))).toEqual({});
  expect(row.lost).toBe(0);
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  const after = await fetch(`${url}/2015-03-31/functions/echo/invocations`, { method: 'POST', body: '{"after":true}' });
  expect(after.status).toBe(200);
  expect(await after.json()).toEqual({ after: true });
  expect(await sluice.stop()).toBe(0);
});
