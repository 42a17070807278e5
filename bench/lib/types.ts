// The shape every benchmark scenario reports in, so `npm run bench` can put them in one table, one JSON file and one
// HTML report. A scenario measures sluice and, where one exists, the best raw client loop side by side in one run.

/** Quantiles of source-to-handler latency, in milliseconds. */
export interface Latency {
  p50: number;
  p99: number;
  /** How many records the quantiles were taken over. */
  samples: number;
}

/** What the benchmark process cost while one side ran: CPU as % of one core, and the peak resident set. */
export interface ProcessCost {
  cpuPercent: number;
  rssMb: number;
}

/** Throughput of a side's rounds: lowest and highest, and how many rounds the median was taken over. */
export interface Spread {
  min: number;
  max: number;
  rounds: number;
}

/** One measured side (sluice, or the raw client ceiling). */
export interface Side {
  /** records/s (or events/s); the unit is the row's. The median of the rounds where there were several. */
  throughput: number;
  spread?: Spread;
  latency?: Latency;
  cost?: ProcessCost;
}

export interface BenchRow {
  /** Which family the row belongs to: sqs, kinesis, dynamodb, kafka, redis, async, filter, scale-… */
  group: string;
  /** Short label of what was measured, e.g. "4 shards, BatchSize 100". */
  name: string;
  /** Unit of throughput, e.g. "records/s". */
  unit: string;
  sluice: Side;
  /** The raw-client ceiling, absent where there is nothing to compare against (e.g. idle-memory curves). */
  raw?: Side;
  /** The x value of a scale curve (batch size, shard count, handler ms …), with `params` naming it. */
  x?: number;
  /** Parameters of the run (record count, bytes, shards, batch size …). */
  params: Record<string, number | string | boolean>;
  /** Anything a reader must know to read the figure right. */
  notes?: string;
  /** The raw side in a few words, for the README table (e.g. "kafkajs eachBatch, same event"). */
  rawLoop?: string;
}

export interface BenchContext {
  /** A few minutes in total for the whole suite instead of the full runs. */
  quick: boolean;
  /** One line of progress for the live display (not part of the results). */
  progress(message: string): void;
}

export interface Scenario {
  /** Stable id used on the command line (`npm run bench -- --only kafka`). */
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/** sluice / raw, or undefined when there is no raw side. */
export const ratioOf = (row: BenchRow): number | undefined =>
  row.raw && row.raw.throughput > 0 ? row.sluice.throughput / row.raw.throughput : undefined;
