// Throughput vs handler duration: the handler sleeps 0, 1, 10 or 100 ms per batch; 4 shards, BatchSize 10,
// ParallelizationFactor 1 and 10. With a slow handler a shard is bound by one batch in flight per lane, so
// throughput is shards × lanes × BatchSize / duration until the event loop (CPU) becomes the limit.
import type { BenchRow, Scenario } from '../lib/types.js';
import { withCost } from '../lib/measure.js';
import { countingInvoker, drain, filledMemoryStream, round, startMapping, streamOptions } from './common.js';

const DURATIONS = [0, 1, 10, 100];
const FACTORS = [1, 10];
const SHARDS = 4;
const BATCH = 10;

export const handlerMsScenario: Scenario = {
  id: 'scale-handler-ms',
  title: 'Throughput vs handler duration (4 shards, BatchSize 10, ParallelizationFactor 1 and 10)',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const total = ctx.quick ? 60_000 : 200_000;
    const maxMs = ctx.quick ? 1000 : 5000;
    for (const factor of FACTORS)
      for (const sleepMs of DURATIONS) {
        ctx.progress(`scale-handler-ms: handler ${sleepMs} ms, ParallelizationFactor ${factor}`);
        const stream = filledMemoryStream(SHARDS, total);
        const { value, cost } = await withCost(() =>
          drain(total, maxMs, (on) => [
            startMapping(
              stream.source(),
              countingInvoker(on, sleepMs),
              streamOptions({ batchSize: BATCH, parallelizationFactor: factor }),
            ),
          ]),
        );
        const bound = sleepMs > 0 ? (SHARDS * factor * BATCH * 1000) / sleepMs : undefined;
        rows.push({
          group: 'scale-handler-ms',
          name: `handler ${sleepMs} ms, ParallelizationFactor ${factor}`,
          unit: 'records/s',
          sluice: { throughput: round(value.rate), cost },
          x: sleepMs,
          params: {
            x: 'handler ms',
            series: `ParallelizationFactor ${factor}`,
            source: 'memory',
            shards: SHARDS,
            batchSize: BATCH,
            parallelizationFactor: factor,
            records: value.handled,
            seconds: round(value.ms / 1000, 1),
          },
          notes:
            (bound === undefined
              ? ''
              : `Upper bound shards × lanes × BatchSize / duration = ${round(bound)} records/s. `) +
            'In-process memory stream; the handler sleeps (a timer) then returns, so sleeping costs no CPU.',
        });
      }
    return rows;
  },
};
