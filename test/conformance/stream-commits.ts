// The stream engine over a connector's StreamSource, watched from outside: every record its readers return and
// every position the engine commits through them, while a function fails one record forever. Serves the
// conformance case on who keeps positions (StreamSource.positions, STR-9).
import { isDeepStrictEqual } from 'node:util';
import { systemClock } from '../../src/app/clock.js';
import { createStreamMapping } from '../../src/core/esm/stream-mapping.js';
import type { Invoker } from '../../src/core/invoke/types.js';
import type { InvokeResult } from '../../src/ports/function-runtime.js';
import type { Logger } from '../../src/ports/logger.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import type { ShardReader, StreamRecord, StreamSource } from '../../src/ports/sources.js';
import { MemoryCheckpointStore } from '../../src/state/memory.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const BOUND_MS = 60_000;

/** Every value found anywhere in `v` (an event's JSON), for "the event contains this record". */
export function* nested(v: unknown): Generator<unknown> {
  yield v;
  if (v !== null && typeof v === 'object') for (const x of Object.values(v)) yield* nested(x);
}

export interface EngineCommits {
  /** Every record the readers returned, in order. */
  read: StreamRecord[];
  /** Every position passed to a reader's commit, in call order. */
  commits: string[];
  /** The shard's checkpoint in the state store the engine was given, after the stop. */
  checkpointed: string | undefined;
}

/**
 * Runs a mapping (batches of one, retried forever) over `source` whose function fails the record with payload
 * `poison` and succeeds the others, until the poison record was retried and the records before it are
 * checkpointed (through the reader or in the state store); then stops it.
 */
export async function commitsOfEngine(
  source: StreamSource,
  valueOf: (r: StreamRecord) => string,
  poison: string,
  produced: number,
): Promise<EngineCommits> {
  const read: StreamRecord[] = [];
  const commits: string[] = [];
  const watch = (reader: ShardReader): ShardReader => ({
    read: async (limit, signal) => {
      const res = await reader.read(limit, signal);
      read.push(...res.records);
      return res;
    },
    // Present on every reader, so a commit the engine should not make is seen too.
    commit: async (position) => {
      commits.push(position);
      await reader.commit?.(position);
    },
    close: () => reader.close(),
  });
  const watched = new Proxy(source, {
    get(target, prop) {
      if (prop === 'open')
        return async (...args: Parameters<StreamSource['open']>) => watch(await target.open(...args));
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  let poisoned = 0;
  const isPoison = (event: unknown): boolean => {
    const bad = read.filter((r) => valueOf(r) === poison).map((r) => JSON.parse(JSON.stringify(r.record)) as unknown);
    return [...nested(event)].some((v) => bad.some((b) => isDeepStrictEqual(v, b)));
  };
  const invoker: Invoker = {
    has: () => true,
    invoke: (_fn, req): Promise<InvokeResult> => {
      if (!isPoison(JSON.parse(req.payload.toString('utf8')))) {
        return Promise.resolve({ kind: 'success', payload: Buffer.from('null'), durationMs: 1, coldStart: false });
      }
      poisoned++;
      const payload = Buffer.from(JSON.stringify({ errorType: 'Error', errorMessage: 'poison' }));
      return Promise.resolve({ kind: 'function-error', payload, errorType: 'Error', durationMs: 1, coldStart: false });
    },
  };
  const store = new MemoryCheckpointStore();
  const mappingId = `conformance-${Math.random().toString(36).slice(2)}`;
  const mapping = createStreamMapping({
    source: watched,
    invoker,
    checkpoints: store,
    metrics: noopMetrics,
    clock: systemClock,
    logger: quiet,
    options: {
      mappingId,
      functionName: 'fn',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
      batchSize: 1,
      maxBatchingWindowMs: 0,
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeMs: -1,
      reportBatchItemFailures: false,
      tumblingWindowMs: 0,
      startingPosition: { type: 'TRIM_HORIZON' },
      pollIntervalMs: 50,
      retryBackoff: { baseMs: 20, maxMs: 100 },
    },
  });
  const [shard] = await source.listShards();
  const checkpoint = () => store.get(mappingId, shard!.id);
  await mapping.start();
  try {
    const until = Date.now() + BOUND_MS;
    for (;;) {
      const before = read.find((r, i) => i + 1 < read.length && valueOf(read[i + 1]!) === poison);
      const saved = source.positions === 'source' ? commits.at(-1) : await checkpoint();
      if (read.length >= produced && poisoned >= 3 && before !== undefined && saved === before.position) break;
      if (Date.now() > until) throw new Error(`no checkpoint before the poison record within ${BOUND_MS} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await mapping.stop(0);
  }
  return { read, commits, checkpointed: await checkpoint() };
}
