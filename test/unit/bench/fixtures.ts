// Fixed benchmark rows for the report tests: two sources with a raw side, one without, and a scale curve.
import type { BenchRow } from '../../../bench/lib/types.js';
import type { MachineInfo } from '../../../bench/report/results.js';

export const machine: MachineInfo = {
  os: 'Linux 6.1',
  arch: 'x64',
  cpus: { model: 'Test CPU', count: 2 },
  totalMemoryMb: 8192,
  node: 'v20.11.0',
  commit: '0123456789abcdef0123456789abcdef01234567',
};

const cost = { cpuPercent: 42.4, rssMb: 150.2 };

export const rows: BenchRow[] = [
  {
    group: 'sqs',
    name: 'drain, 10 loops × batch 10',
    unit: 'records/s',
    sluice: {
      throughput: 4012.7,
      spread: { min: 3870, max: 4250, rounds: 3 },
      latency: { p50: 13, p99: 43, samples: 500 },
      cost,
    },
    raw: {
      throughput: 4100,
      spread: { min: 4050, max: 4110, rounds: 3 },
      latency: { p50: 12, p99: 40, samples: 500 },
      cost,
    },
    params: { messages: 3000 },
    notes: 'ElasticMQ <queue> & co',
  },
  {
    group: 'async',
    name: 'idle queue, one event at a time',
    unit: 'events/s',
    sluice: { throughput: 1600, latency: { p50: 0.21, p99: 4.98, samples: 300 } },
    raw: { throughput: 2300, latency: { p50: 0.05, p99: 1.46, samples: 300 } },
    params: {},
  },
  {
    group: 'filter',
    name: 'generic: exact',
    unit: 'records/s',
    sluice: { throughput: 6_900_000, cost },
    params: { kind: 'generic' },
  },
  ...[1, 10, 100].map((batch): BenchRow => ({
    group: 'scale-batch',
    name: `batch ${batch}`,
    unit: 'records/s',
    x: batch,
    sluice: { throughput: 1000 * Math.log10(batch * 10), latency: { p50: batch, p99: batch * 2, samples: 10 }, cost },
    raw: { throughput: 1100 * Math.log10(batch * 10) },
    params: { batchSize: batch },
  })),
];
