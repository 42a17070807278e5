// #20 item 4: the primary of `sluice start --workers N` with stand-in workers (test/fixtures/workers): it starts a
// worker that died again with a growing delay and counts it, gives up (exit 1) when a worker keeps dying before it
// starts, and exits 0 once every worker drained after SIGTERM.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runPrimary } from '../../../src/app/workers.js';
import type { Logger } from '../../../src/ports/logger.js';

const FLAKY = path.resolve('test/fixtures/workers/flaky-worker.mjs');

function recordingLogger(lines: Array<{ msg: string; obj: Record<string, unknown> }>): Logger {
  const log = (obj: Record<string, unknown>, msg: string) => void lines.push({ msg, obj });
  const logger = { trace: log, debug: log, info: log, warn: log, error: log, fatal: log, child: () => logger };
  return logger;
}

const envKeys = ['WORKER_DEAD_FROM', 'WORKER_CRASH_AFTER_START'];
afterEach(() => {
  for (const k of envKeys) delete process.env[k];
});

const counter = () => path.join(mkdtempSync(path.join(tmpdir(), 'sluice-workers-')), 'starts');

it('#20-4 a worker that dies after starting is started again after a delay that doubles', async () => {
  // Starts 1 and 2 are the two workers; 2 dies after starting, 3 (its replacement) too, 4 stays.
  process.env.WORKER_CRASH_AFTER_START = '2,3';
  const lines: Array<{ msg: string; obj: Record<string, unknown> }> = [];
  const done = runPrimary({
    count: 2,
    args: [counter()],
    exec: FLAKY,
    logger: recordingLogger(lines),
    graceMs: 1000,
    restartBaseMs: 50,
  });
  const deadline = Date.now() + 20_000;
  while (lines.filter((l) => l.msg === 'worker started again').length < 2 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  const delays = lines.filter((l) => l.msg === 'worker died; starting it again').map((l) => l.obj.delayMs);
  expect(delays).toEqual([50, 100]);
  process.emit('SIGTERM');
  expect(await done).toBe(0);
  expect(lines.some((l) => l.msg === 'all workers stopped')).toBe(true);
}, 30_000);

it('#20-4 a worker that keeps dying before it starts makes the primary give up with exit 1', async () => {
  // Both workers start; one dies after starting; from then on every start dies before it reports started.
  process.env.WORKER_CRASH_AFTER_START = '2';
  process.env.WORKER_DEAD_FROM = '3';
  const lines: Array<{ msg: string; obj: Record<string, unknown> }> = [];
  const code = await runPrimary({
    count: 2,
    args: [counter()],
    exec: FLAKY,
    logger: recordingLogger(lines),
    graceMs: 1000,
    restartBaseMs: 10,
    maxStartFailures: 3,
  });
  expect(code).toBe(1);
  expect(lines.filter((l) => l.msg === 'worker died; starting it again')).toHaveLength(3);
  expect(lines.some((l) => l.msg === 'a worker keeps dying before it starts; stopping sluice')).toBe(true);
}, 30_000);
