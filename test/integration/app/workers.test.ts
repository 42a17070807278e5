// #20 item 4, every core: `sluice start --workers 2` (the built service) with Redis state runs two processes
// behind one port: a Kafka topic of 4 partitions and a Redis stream are each handled once with nothing lost,
// both workers work, one /metrics shows their sum (and passes promtool), a SIGKILLed worker is started again
// and processing goes on with nothing lost, and SIGTERM drains both and exits 0.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { logLevel, type Producer } from 'kafkajs';
import { afterEach, expect, it } from 'vitest';
import { eventually, metricValue, runCli, startService, writeConfig, type Service } from '../../e2e/service.js';
import { FAULT_FIXTURES, readRecords, recordLog } from '../../faults/harness.js';
import { closeClients, kafka, redis, servers, uniqueName } from '../../services/inject.js';
import { installPromtool, promtoolBin, promtoolCheckMetrics } from '../../services/promtool.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  await closeClients();
});

const PER_WAVE = 300;

async function produce(
  producer: Producer,
  topic: string,
  streamKey: string,
  wave: string,
  from = 0,
  to = PER_WAVE,
): Promise<string[]> {
  const ids: string[] = [];
  const pipe = redis().pipeline();
  const messages = [];
  for (let i = from; i < to; i++) {
    messages.push({ key: `${wave}${i}`, value: JSON.stringify({ id: `k-${wave}${i}` }) });
    pipe.xadd(streamKey, '*', 'id', `r-${wave}${i}`);
    ids.push(`k-${wave}${i}`, `r-${wave}${i}`);
  }
  await producer.send({ topic, acks: -1, messages });
  await pipe.exec();
  return ids;
}

/** Every id handled; the ids never handled, and how many lines were repeats (at-least-once replays). */
async function allHandled(log: string, ids: string[]): Promise<void> {
  await eventually(async () => {
    const seen = new Set(readRecords(log).map((r) => r.id));
    return Promise.resolve(ids.every((id) => seen.has(id)) ? true : undefined);
  }, 90_000);
}

/** Both workers joined the consumer group and it settled (each owns partitions before records arrive). */
async function bothInGroup(groupId: string): Promise<void> {
  const admin = kafka({ logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await eventually(async () => {
      const { groups } = await admin.describeGroups([groupId]);
      const g = groups[0];
      return g?.state === 'Stable' && g.members.length === 2 ? true : undefined;
    }, 60_000);
  } finally {
    await admin.disconnect();
  }
}

/** One request on a new connection (the workers take turns at new connections), answered with its JSON. */
function fresh(url: string, method: string, body?: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text === '' ? undefined : JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** GetFunctionConcurrency asked 8 times, each on a new connection (so of both workers). */
async function reservedEverywhere(url: string): Promise<unknown[]> {
  const answers = [];
  for (let i = 0; i < 8; i++) answers.push((await fresh(`${url}/2019-09-30/functions/rec/concurrency`, 'GET')).json);
  return answers;
}

const workerPids = (svc: Service): number[] => {
  const line = svc.logs.find((l) => l.includes('all workers started'));
  return line === undefined ? [] : (JSON.parse(line) as { pids: number[] }).pids;
};

it('#20-4 --workers 2: Kafka (4 partitions) and a Redis stream handled once by both workers, one merged /metrics, a SIGKILLed worker restarted with nothing lost, SIGHUP reloads each, SIGTERM exits 0', async () => {
  const topic = uniqueName('workers');
  const streamKey = uniqueName('workers-stream');
  const admin = kafka({ logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka({ logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  const log = recordLog();
  const groupId = uniqueName('workers-group');
  const svc = await startService(
    {
      state: { type: 'redis', connection: 'redis', keyPrefix: uniqueName('workers') },
      connections: {
        kafka: {
          type: 'kafka',
          brokers: servers().kafka.brokers,
          consumer: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000 },
        },
        redis: { type: 'redis', url: servers().redis.url },
      },
      tuning: { streamLeaseTtlSeconds: 5, streamPollIntervalMs: 100 },
      functions: {
        rec: {
          Handler: 'handlers.recorder',
          CodeUri: FAULT_FIXTURES,
          Timeout: 5,
          Environment: { Variables: { FAULTS_LOG: log, FAULTS_WORK_MS: '5' } },
        },
      },
      eventSourceMappings: [
        {
          FunctionName: 'rec',
          Topics: [topic],
          Connection: 'kafka',
          StartingPosition: 'TRIM_HORIZON',
          SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: groupId },
        },
        {
          FunctionName: 'rec',
          EventSourceArn: `redis://${streamKey}`,
          Connection: 'redis',
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 50,
        },
      ],
    },
    ['--workers', '2'],
  );
  cleanups.push(() => svc.stop());
  await svc.waitForLog(/all workers started/, 60_000);
  const pids = workerPids(svc);
  expect(pids).toHaveLength(2);
  await bothInGroup(groupId);

  // Wave 1: both workers take part (the group splits the 4 partitions between them).
  const first = await produce(producer, topic, streamKey, 'a');
  await allHandled(log, first);
  const wave1 = readRecords(log);
  const kafkaPids = new Set(wave1.filter((r) => r.id.startsWith('k-')).map((r) => r.pid));
  expect([...kafkaPids].sort()).toEqual([...pids].sort());
  // Nothing was killed or rebalanced yet: every record once.
  expect(wave1.length).toBe(first.length);

  // One /metrics for both: the invoked records summed over the processes equal the lines the handler wrote.
  const merged = await eventually(async () => {
    const invoked = await metricValue(svc.url, 'sluice_invoked_events_total', { function: 'rec' });
    return invoked === readRecords(log).length ? invoked : undefined;
  });
  expect(merged).toBeGreaterThanOrEqual(2 * PER_WAVE);
  expect(await metricValue(svc.url, 'sluice_workers')).toBe(2);
  // Both processes run both mappings (the Redis stream's lease goes to one of them).
  await eventually(async () =>
    (await metricValue(svc.url, 'sluice_mapping_state', { state: 'running' })) === 4 ? true : undefined,
  );
  const text = await (await fetch(`${svc.url}/metrics`)).text();
  expect(text.match(/^sluice_build_info\{/gm)).toHaveLength(1);
  expect(text.match(/^sluice_mapping_info\{.*\} 1$/gm)).toHaveLength(2);
  if (process.env.CI === 'true' || existsSync(promtoolBin())) {
    const check = await promtoolCheckMetrics(await installPromtool(), text);
    expect({ code: check.code, problems: `${check.stdout}${check.stderr}`.trim() }).toEqual({ code: 0, problems: '' });
  }

  // PutFunctionConcurrency lands on one worker; every worker answers with it (the primary passes it on).
  const put = await fresh(
    `${svc.url}/2017-10-31/functions/rec/concurrency`,
    'PUT',
    '{"ReservedConcurrentExecutions":7}',
  );
  expect(put.status).toBe(200);
  await eventually(async () =>
    (await reservedEverywhere(svc.url)).every((a) => JSON.stringify(a) === '{"ReservedConcurrentExecutions":7}')
      ? true
      : undefined,
  );

  // SIGKILL, while wave 2 arrives, the worker that holds the Redis stream's lease (it has Kafka partitions too):
  // the primary starts it again; what it held is taken over through the group and the lease.
  const victim = wave1.find((r) => r.id.startsWith('r-'))?.pid ?? -1;
  const second: string[] = [];
  for (let chunk = 0; chunk < 10; chunk++) {
    second.push(...(await produce(producer, topic, streamKey, 'b', chunk * 30, chunk * 30 + 30)));
    if (chunk === 3) process.kill(victim, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
  }
  await svc.waitForLog(/worker died; starting it again/, 30_000);
  await svc.waitForLog(/worker started again/, 60_000);
  await allHandled(log, second);
  const handled = readRecords(log);
  const seen = new Set(handled.map((r) => r.id));
  expect([...first, ...second].filter((id) => !seen.has(id))).toEqual([]);
  expect(await metricValue(svc.url, 'sluice_worker_restarts_total')).toBe(1);
  // The restarted worker got the reservation set before it started.
  expect(new Set((await reservedEverywhere(svc.url)).map((a) => JSON.stringify(a)))).toEqual(
    new Set(['{"ReservedConcurrentExecutions":7}']),
  );
  expect(await metricValue(svc.url, 'sluice_workers')).toBe(2);
  console.log(
    `--workers 2: ${first.length + second.length} records, 0 lost, ${handled.length - seen.size} handled twice ` +
      `(at-least-once replays after the SIGKILL of ${victim}); wave 1 by pid: ${JSON.stringify(countBy(wave1.map((r) => r.pid)))}`,
  );

  // SIGHUP to the primary: every worker reloads the file (here: one function more).
  const file = JSON.parse(readFileSync(svc.file, 'utf8')) as { functions: Record<string, object> };
  writeFileSync(svc.file, JSON.stringify({ ...file, functions: { ...file.functions, more: file.functions.rec } }));
  svc.child.kill('SIGHUP');
  await eventually(async () =>
    Promise.resolve(svc.logs.filter((l) => l.includes('"function added"')).length === 2 ? true : undefined),
  );

  expect(await svc.stop()).toBe(0);
  expect(svc.logs.some((l) => l.includes('all workers stopped'))).toBe(true);
}, 240_000);

function countBy(values: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

it('#20-4 --workers 2 whose workers cannot start (the port is taken) exits 1 once, without a restart loop', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((r) => taken.close(r)));
  const { port } = taken.address() as AddressInfo;
  const file = await writeConfig({
    server: { port },
    state: { type: 'redis', connection: 'redis', keyPrefix: uniqueName('workers') },
    connections: { redis: { type: 'redis', url: servers().redis.url } },
  });
  const run = await runCli(['start', '--config', file, '--workers', '2'], { SLUICE_LOG_FORMAT: 'json' });
  const out = run.stdout + run.stderr;
  expect(run.code).toBe(1);
  expect(out.match(/a worker could not start/g)).toHaveLength(1);
  expect(out).not.toContain('starting it again');
}, 60_000);
