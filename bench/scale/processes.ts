// The processes curve (#20 item 4): throughput and CPU of 1 and 2 sluice processes draining one Kafka topic of 4
// partitions into a no-op nodejs function (worker isolation, in the service process). With `sluice start
// --workers N` (used when the built service's `start --help` lists it) one service runs N workers; without it N
// separate built services run the same config with Redis state: the existing multi-instance design, Kafka
// splitting the partitions between the group's members either way.
//   Each round: a fresh consumer group over the same preloaded topic (count checked). The clock starts once the
//   group is Stable with N members (a lone first member may have read part of the backlog before: those records
//   are left out, and their count is in the row) and stops when the group's committed offsets reach the end;
//   throughput = records after the start / time.
//   CPU = the CPU time of every process (and its children) over that wall time (100 = one core busy), RSS = the
//   sum of their VmHWM. The Kafka broker's CPU and the whole machine's over the same window sit beside it: on two
//   cores a curve that does not rise shows there whether the broker or a neighbour took the second core.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { peakRssMb } from '../lib/proc-memory.js';
import { kafkaBrokers, redisUrl, serverPid } from '../lib/servers.js';
import { fromRounds, medianRound } from '../lib/stats.js';
import type { BenchRow, Scenario } from '../lib/types.js';
import { checkBacklog, createTopic, deleteTopics, kafkaOf, produce } from '../scenarios/kafka-topic.js';
import { machineCpu, processTree, treeCpuMs } from '../lib/proc-cpu.js';
import { freePort, sleep, spawnService, startSupports, stopService, waitReady } from './service-process.js';

const PARTITIONS = 4;
const PROCESSES = [1, 2];

interface Round {
  rate: number;
  cpuPercent: number;
  /** The Kafka broker's CPU over the same window (it shares the machine's cores with sluice). */
  brokerCpuPercent: number;
  /** Every core's busy time over the window (% of one core): more than sluice + broker = something else ran. */
  machineCpuPercent: number;
  rssMb: number;
  /** Records committed before the window opened (read by the first member alone): left out of the rate. */
  before: number;
}

function serviceConfig(port: number, dir: string, topic: string, group: string, brokers: string[], redis: string) {
  return {
    region: 'us-east-1',
    accountId: '000000000000',
    logLevel: 'warn',
    server: { host: '127.0.0.1', port, shutdownGraceSeconds: 2 },
    state: { type: 'redis', connection: 'redis', keyPrefix: `bench-${group}` },
    connections: { kafka: { type: 'kafka', brokers }, redis: { type: 'redis', url: redis } },
    functions: { noop: { Runtime: 'nodejs', Isolation: 'worker', CodeUri: dir, Handler: 'noop.handler' } },
    eventSourceMappings: [
      {
        FunctionName: 'noop',
        Topics: [topic],
        Connection: 'kafka',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: group },
      },
    ],
  };
}

async function committed(admin: Admin, group: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}

async function stableWith(admin: Admin, group: string, members: number): Promise<boolean> {
  const { groups } = await admin.describeGroups([group]);
  const g = groups[0];
  return g?.state === 'Stable' && g.members.length === members;
}

/** One round: N services on a fresh group until every record is committed. */
async function round(
  n: number,
  topic: string,
  records: number,
  admin: Admin,
  redis: string,
  workers: boolean,
  broker: number[],
): Promise<Round> {
  const brokers = kafkaBrokers();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-procs-'));
  writeFileSync(join(dir, 'noop.mjs'), 'export const handler = async () => null;\n');
  const group = `bench-procs-${randomUUID()}`;
  const services: Array<ReturnType<typeof spawnService>> = [];
  try {
    // All at once, so they join the group together rather than one reading alone while the next starts.
    const ports: number[] = [];
    for (let i = 0; i < (workers ? 1 : n); i++) {
      const port = await freePort();
      const file = join(dir, `sluice-${i}.json`);
      writeFileSync(file, JSON.stringify(serviceConfig(port, dir, topic, group, brokers, redis)));
      services.push(spawnService(file, workers ? ['--workers', String(n)] : []));
      ports.push(port);
    }
    await Promise.all(services.map((s, i) => waitReady(ports[i]!, s.child, s.stderr)));
    const deadline = Date.now() + 120_000 + records / 10;
    while (!(await stableWith(admin, group, n))) {
      if (Date.now() > deadline) throw new Error(`the group never had ${n} stable members`);
      await sleep(50);
    }
    // Every process of the run, workers included (a service with --workers forks them).
    const pids = services.flatMap((s) => processTree(s.child.pid!));
    const c0 = await committed(admin, group, topic);
    const cpu0 = treeCpuMs(pids);
    const broker0 = treeCpuMs(broker);
    const machine = machineCpu();
    const t0 = performance.now();
    let done = c0;
    while (done < records) {
      if (Date.now() > deadline) throw new Error(`${done} of ${records} records committed by ${n} processes`);
      await sleep(100);
      done = await committed(admin, group, topic);
    }
    const ms = performance.now() - t0;
    const cpu = treeCpuMs(pids) - cpu0;
    const brokerCpu = treeCpuMs(broker) - broker0;
    const machineCpuPercent = machine() ?? Number.NaN;
    if (c0 > records / 2) throw new Error(`${c0} of ${records} records were read before ${n} members joined`);
    return {
      rate: ((records - c0) / ms) * 1000,
      cpuPercent: (cpu / ms) * 100,
      brokerCpuPercent: (brokerCpu / ms) * 100,
      before: c0,
      machineCpuPercent,
      rssMb: pids.reduce((sum, pid) => sum + (peakRssMb(pid) ?? 0), 0),
    };
  } finally {
    await Promise.all(services.map((s) => stopService(s.child)));
    rmSync(dir, { recursive: true, force: true });
  }
}

export const processesScenario: Scenario = {
  id: 'scale-processes',
  title: 'Throughput and CPU vs sluice processes (Kafka, 4 partitions, built service)',
  async run(ctx) {
    const redis = redisUrl();
    const brokers = kafkaBrokers();
    // Large enough that the first process to join cannot read it all before the others join (the test broker has
    // group.initial.rebalance.delay.ms=0, and the second --workers process forks a moment later).
    const records = ctx.quick ? 2_000_000 : 5_000_000;
    const rounds = 3;
    const cpus = availableParallelism();
    const workers = startSupports('--workers');
    const how = workers ? 'sluice start --workers N' : 'N separate processes sharing Redis state';
    const kafka = kafkaOf(brokers);
    const admin = kafka.admin();
    const brokerPid = serverPid('kafka', brokers[0]!);
    const broker = brokerPid === undefined ? [] : processTree(brokerPid);
    await admin.connect();
    const topic = `bench-procs-${randomUUID()}`;
    await createTopic(kafka, topic, PARTITIONS);
    try {
      ctx.progress(`scale-processes: producing ${records} records over ${PARTITIONS} partitions`);
      await produce(kafka, topic, { records, partitions: PARTITIONS, valueBytes: 100 });
      await checkBacklog(kafka, topic, records);
      const rows: BenchRow[] = [];
      const runs = new Map<number, Round[]>(PROCESSES.map((n) => [n, []]));
      for (let r = 0; r < rounds; r++)
        for (const n of r % 2 === 0 ? PROCESSES : [...PROCESSES].reverse()) {
          ctx.progress(`scale-processes: round ${r + 1}/${rounds}, ${n} process${n > 1 ? 'es' : ''}`);
          runs.get(n)!.push(await round(n, topic, records, admin, redis, workers, broker));
        }
      for (const n of PROCESSES) {
        const rs = runs.get(n)!;
        const mid = medianRound(rs)!;
        rows.push({
          group: 'scale-processes',
          name: `${n} sluice process${n > 1 ? 'es' : ''}, Kafka ${PARTITIONS} partitions`,
          unit: 'records/s',
          sluice: { ...fromRounds(rs.map((x) => x.rate)), cost: { cpuPercent: mid.cpuPercent, rssMb: mid.rssMb } },
          x: n,
          params: {
            x: 'processes',
            series: 'Kafka, BatchSize 100, no-op nodejs function (worker)',
            records,
            partitions: PARTITIONS,
            rounds,
            how,
            rates: rs.map((x) => Math.round(x.rate)).join(' '),
            cpuPercents: rs.map((x) => Math.round(x.cpuPercent)).join(' '),
            brokerCpuPercent: Math.round(mid.brokerCpuPercent),
            brokerCpuPercents: rs.map((x) => Math.round(x.brokerCpuPercent)).join(' '),
            machineCpuPercents: rs.map((x) => Math.round(x.machineCpuPercent)).join(' '),
            readBeforeWindow: rs.map((x) => x.before).join(' '),
          },
          notes:
            `${how} (built service, Redis state, one Kafka consumer group); timed from a Stable group of N ` +
            'members to the last committed offset; CPU = all processes (100 = one core), RSS = sum of VmHWM; ' +
            `the Kafka broker on the same ${cpus} cores used ${Math.round(mid.brokerCpuPercent)} % meanwhile, ` +
            `the whole machine ${Math.round(mid.machineCpuPercent)} % of ${cpus * 100} %.`,
        });
      }
      return rows;
    } finally {
      await deleteTopics(kafka, [topic]);
      await admin.disconnect();
    }
  },
};
