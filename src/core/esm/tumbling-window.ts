// Tumbling windows on a shard lane (STR-31..39): batches never mix windows, each carries the running state, and a
// final invoke with the state closes the window and releases its records' checkpoint (STR-34). The final invoke
// follows the mapping's retry and age rules; records it gives up go to the on-failure destination (STR-38).
import type { Logger } from '../../ports/logger.js';
import type { ShardInfo } from '../../ports/sources.js';
import type { BatchEntry, BatchHooks, BatchRunner, LaneStatus } from './batch-runner.js';
import { jsonBytes, windowFields, windowStartOf, type Batch, type Lane, type Window } from './lane.js';
import { MAX_WINDOW_STATE_BYTES, type StreamMappingOptions } from './stream-options.js';

const DEFAULT_WINDOW_IDLE_CLOSE_MS = 120_000;

/** What the shard worker lends the window logic. */
export interface WindowHost {
  readonly options: StreamMappingOptions;
  readonly shard: ShardInfo;
  readonly arn: string;
  readonly runner: BatchRunner;
  readonly log: Logger;
  endOfShard(): boolean;
  batchReady(lane: Lane, now: number): boolean;
  takeBatch(lane: Lane, windowStartLimit: number, reservedBytes: number): Batch;
  startBatch(lane: Lane, batch: Batch, hooks: Partial<BatchHooks>): void;
  /** Runs `body` as the lane's one task in flight; `onError` handles what it throws. */
  launch(lane: Lane, body: () => Promise<void>, onError: (err: unknown) => void): void;
  markDone(entries: readonly BatchEntry[]): void;
  setStatus(lane: Lane, status: LaneStatus): void;
  now(): number;
}

/** STR-36: when a window with no newer records is closed. */
export function windowClosesAt(w: Window, options: StreamMappingOptions): number {
  return w.endMs + (options.windowIdleCloseMs ?? DEFAULT_WINDOW_IDLE_CLOSE_MS);
}

/** Starts the lane's next window step if one is due. The lane is the window's either way (no plain batches). */
export function dispatchWindow(host: WindowHost, lane: Lane, now: number): void {
  const tw = host.options.tumblingWindowMs;
  const head = lane.queue[0];
  const w = lane.window;
  if (w) {
    const headLater = head !== undefined && windowStartOf(head.record.arrivalMs, tw) > w.startMs;
    const idleOver = head === undefined && (host.endOfShard() || now >= windowClosesAt(w, host.options));
    if (w.terminatedEarly || headLater || idleOver) return startFinal(host, lane, w);
    if (head && host.batchReady(lane, now)) startWindowBatch(host, lane, w);
    return;
  }
  if (!head || !host.batchReady(lane, now)) return;
  const startMs = windowStartOf(head.record.arrivalMs, tw);
  lane.window = { startMs, endMs: startMs + tw, state: {}, entries: [], terminatedEarly: false };
  startWindowBatch(host, lane, lane.window);
}

function extras(host: WindowHost, w: Window, final: boolean): () => Record<string, unknown> {
  return () => windowFields(w, host.shard.id, host.arn, final);
}

function startWindowBatch(host: WindowHost, lane: Lane, w: Window): void {
  // The window fields and state travel in the event too (merged into it: `,` + members), so they count toward P-12.
  const reserved = jsonBytes(extras(host, w, false)()) - 1;
  host.startBatch(lane, host.takeBatch(lane, w.startMs, reserved), {
    eventExtras: extras(host, w, false),
    requireState: true,
    onState: (state) => {
      w.state = state ?? {};
      // STR-35: more than 1 MB of state ends the window early.
      if (jsonBytes(w.state) > MAX_WINDOW_STATE_BYTES) w.terminatedEarly = true;
    },
  });
}

function startFinal(host: WindowHost, lane: Lane, w: Window): void {
  host.launch(
    lane,
    async () => {
      const outcome = await host.runner.run(w.entries, {
        onDone: (entries) => host.markDone(entries),
        onStatus: (status) => host.setStatus(lane, status),
        eventExtras: extras(host, w, true),
        windowFinal: true,
      });
      // STR-34: the state is dropped once the final invoke succeeded (or its records were given up).
      if (outcome === 'done' && lane.window === w) lane.window = undefined;
    },
    (err) => {
      host.log.error({ err }, 'final window invoke failed unexpectedly; will retry');
      lane.blockedUntil = host.now() + host.options.retryBackoff.maxMs;
    },
  );
}
