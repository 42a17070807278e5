// Idle mappings per process: the real service (built `dist/src/main.js start`, else `src/main.ts` through tsx)
// started as a child process with a generated config of N idle mappings — memory queues, memory streams, or SQS
// queues on the shared ElasticMQ — and measured from /proc/<pid>: CPU over an idle window and RSS at its end.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { BenchRow, Scenario } from '../lib/types.js';
import { round, sqsEndpoint } from './common.js';
import { cpuMs } from '../lib/proc-cpu.js';
import { BUILT, freePort, rssMb, sleep, spawnService, stopService, waitReady } from './service-process.js';

/** A series of the chart (memory queues and streams apart), not a connector kind. */
export type IdleKind = 'none' | 'memory-queue' | 'memory-stream' | 'sqs';

/** SQS long polls last 20 s: a shorter idle window would never see a poll cycle. */
const SQS_WINDOW_MS = { quick: 21_000, full: 25_000 };
/** A fresh object each time: the AWS SDK annotates the credentials object it is given. */
const dummyCredentials = () => ({ accessKeyId: 'x', secretAccessKey: 'x' });

function mappingsOf(kind: IdleKind, count: number, run: string, queues: string[]): unknown[] {
  return Array.from({ length: kind === 'none' ? 0 : count }, (_v, i) => {
    const base = { FunctionName: 'noop', BatchSize: 10 };
    if (kind === 'memory-queue') return { ...base, EventSourceArn: `memory://queue/idle-${run}-${i}` };
    if (kind === 'memory-stream')
      return { ...base, EventSourceArn: `memory://stream/idle-${run}-${i}`, StartingPosition: 'LATEST' };
    return { ...base, EventSourceArn: `arn:aws:sqs:us-east-1:000000000000:${queues[i]}`, Connection: 'sqs' };
  });
}

/** The generated service config: `count` idle mappings of one kind on a never-called HTTP function. */
export function idleConfig(
  port: number,
  kind: IdleKind,
  count: number,
  run: string,
  queues: string[],
  endpoint?: string,
) {
  return {
    region: 'us-east-1',
    accountId: '000000000000',
    logLevel: 'warn',
    server: { host: '127.0.0.1', port, shutdownGraceSeconds: 2 },
    ...(endpoint === undefined
      ? {}
      : { connections: { sqs: { type: 'sqs', endpoint, region: 'us-east-1', credentials: dummyCredentials() } } }),
    // An HTTP function that is never called: idle mappings never invoke.
    functions: { noop: { Runtime: 'http', Url: 'http://127.0.0.1:9/never', Timeout: 3 } },
    eventSourceMappings: mappingsOf(kind, count, run, queues),
  };
}

interface Measured {
  cpuPercent: number;
  rssMb: number;
  startMs: number;
  windowMs: number;
}

/** Starts the service on a generated config, waits for /readyz, settles, measures the idle window, stops it. */
async function measureService(config: unknown, settleMs: number, windowMs: number): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-scale-'));
  const file = join(dir, 'sluice.json');
  writeFileSync(file, JSON.stringify(config));
  const t0 = performance.now();
  const { child, stderr } = spawnService(file);
  try {
    const port = (config as { server: { port: number } }).server.port;
    await waitReady(port, child, stderr);
    const startMs = performance.now() - t0;
    await sleep(settleMs);
    const pid = child.pid!;
    const c0 = cpuMs(pid);
    const w0 = performance.now();
    await sleep(windowMs);
    const cpu = cpuMs(pid) - c0;
    const wall = performance.now() - w0;
    return { cpuPercent: (cpu / wall) * 100, rssMb: rssMb(pid), startMs, windowMs: wall };
  } finally {
    const s0 = performance.now();
    await stopService(child);
    rmSync(dir, { recursive: true, force: true });
    if (process.env.SLUICE_SCALE_DEBUG) process.stderr.write(`  stopped in ${Math.round(performance.now() - s0)} ms\n`);
  }
}

export const idleMappingsScenario: Scenario = {
  id: 'scale-idle-mappings',
  title: 'Idle mappings in one sluice process: CPU and RSS (built service, /proc)',
  async run(ctx) {
    if (!existsSync('/proc/self/stat')) {
      ctx.progress('scale-idle-mappings: needs /proc (Linux), skipped');
      return [];
    }
    const service = existsSync(BUILT) ? 'dist/src/main.js' : 'src/main.ts via tsx (run npm run build for dist)';
    const counts = ctx.quick ? [100] : [10, 100];
    const windowMs = ctx.quick ? 3000 : 10_000;
    const settleMs = ctx.quick ? 500 : 3000;
    const endpoint = sqsEndpoint();
    const points: Array<[IdleKind, number]> = [['none', 0]];
    for (const kind of ['memory-queue', 'memory-stream', 'sqs'] as const)
      for (const n of counts) if (kind !== 'sqs' || endpoint !== undefined) points.push([kind, n]);
    if (endpoint === undefined) ctx.progress('scale-idle-mappings: no ElasticMQ (SLUICE_SQS_ENDPOINT), SQS skipped');
    const rows: BenchRow[] = [];
    for (const [kind, count] of points) {
      const window = kind === 'sqs' ? SQS_WINDOW_MS[ctx.quick ? 'quick' : 'full'] : windowMs;
      ctx.progress(`scale-idle-mappings: ${count} ${kind} mappings, ${window / 1000} s idle window (${service})`);
      const run = randomUUID().slice(0, 8);
      const sqs = kind === 'sqs' && endpoint !== undefined ? sqsClient(endpoint) : undefined;
      const queues = Array.from({ length: sqs ? count : 0 }, (_v, i) => `scale-idle-${run}-${i}`);
      const urls: string[] = [];
      try {
        for (const QueueName of queues) {
          const { QueueUrl } = await sqs!.send(new CreateQueueCommand({ QueueName }));
          if (QueueUrl !== undefined) urls.push(QueueUrl);
        }
        const port = await freePort();
        const m = await measureService(idleConfig(port, kind, count, run, queues, endpoint), settleMs, window);
        rows.push({
          group: 'scale-idle-mappings',
          name: kind === 'none' ? 'no mappings (baseline)' : `${count} idle ${kind} mappings`,
          unit: '% CPU idle (100 = one core)',
          sluice: { throughput: round(m.cpuPercent, 2), cost: { cpuPercent: m.cpuPercent, rssMb: m.rssMb } },
          x: count,
          params: {
            x: 'idle mappings',
            series: kind === 'none' ? 'baseline (no mappings)' : kind,
            // The connector's kind (the metrics' `source` label); the series keeps queue and stream apart.
            source: kind.startsWith('memory-') ? 'memory' : kind,
            service,
            idleSeconds: round(m.windowMs / 1000, 1),
            rssMb: round(m.rssMb, 1),
            startToReadyMs: round(m.startMs),
          },
          notes:
            'The built service as a child process; CPU from /proc/<pid>/stat over the idle window, RSS from ' +
            '/proc/<pid>/status at its end. ' +
            (kind === 'sqs'
              ? 'SQS: each mapping long-polls (20 s) the shared ElasticMQ with 2..5 concurrent receives.'
              : kind === 'memory-stream'
                ? 'Memory streams have one shard each, polled once a second (default streamPollIntervalMs).'
                : ''),
        });
      } finally {
        for (const QueueUrl of urls) await sqs!.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined);
        sqs?.destroy();
      }
    }
    return rows;
  },
};

function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: 'us-east-1', credentials: dummyCredentials() });
}
