// Tumbling windows on a shard lane (STR-31..39): batches never mix windows, each carries the running state, and a
// final invoke with the state closes the window and releases its records' checkpoint (STR-34). The final invoke
// follows the mapping's retry and age rules; records it gives up go to the on-failure destination (STR-38).
import type { Logger } from '../../ports/logger.js';
import type { ShardInfo } from '../../ports/sources.js';
import { isoTime } from '../../ports/stream-batch-info.js';
import type { BatchRunner } from './batch-runner.js';
import type { BatchEntry, BatchHooks, LaneStatus } from './batch-types.js';
import { jsonBytes, windowStartOf, type Batch, type Lane } from './lane.js';
import { MAX_WINDOW_STATE_BYTES, type StreamMappingOptions } from './stream-options.js';

const DEFAULT_WINDOW_IDLE_CLOSE_MS = 120_000;

/** One open window of one lane: its bounds, running state and the records waiting for its final invoke. */
class TumblingWindow {
  state: unknown = {};
  /** Processed records whose checkpoint waits for the final invoke (STR-34). */
  readonly held: BatchEntry[] = [];
  terminatedEarly = false;

  constructor(
    readonly startMs: number,
    readonly endMs: number,
  ) {}

  /** STR-32, STR-35: the state a response returned; more than 1 MB of it ends the window early. */
  setState(state: unknown): void {
    this.state = state ?? {};
    if (jsonBytes(this.state) > MAX_WINDOW_STATE_BYTES) this.terminatedEarly = true;
  }

  /** STR-33: the fields the window adds to the event. */
  fields(shardId: string, arn: string, final: boolean): Record<string, unknown> {
    return {
      window: { start: isoTime(this.startMs, true), end: isoTime(this.endMs, true) },
      state: this.state,
      shardId,
      eventSourceARN: arn,
      isFinalInvokeForWindow: final,
      isWindowTerminatedEarly: final && this.terminatedEarly,
    };
  }
}

/** What the shard worker lends the windows. */
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

/** The open window of each lane of one shard, and when each is due for its next step. */
export class TumblingWindows {
  private readonly open = new Map<Lane, TumblingWindow>();

  constructor(private readonly host: WindowHost) {}

  /** Whether the lane has a window waiting for its final invoke. */
  isOpen(lane: Lane): boolean {
    return this.open.has(lane);
  }

  /** Processed records of an open window wait for its final invoke (STR-34); false when no window is open. */
  hold(lane: Lane, entries: readonly BatchEntry[]): boolean {
    const w = this.open.get(lane);
    if (!w) return false;
    w.held.push(...entries);
    return true;
  }

  /** STR-36: when the lane's window closes if no newer record comes (undefined: none is open). */
  closesAt(lane: Lane): number | undefined {
    const w = this.open.get(lane);
    return w && w.endMs + (this.host.options.windowIdleCloseMs ?? DEFAULT_WINDOW_IDLE_CLOSE_MS);
  }

  /** Starts the lane's next window step if one is due. The lane is the window's either way (no plain batches). */
  dispatch(lane: Lane, now: number): void {
    const { host } = this;
    const tw = host.options.tumblingWindowMs;
    const head = lane.waiting.head();
    const w = this.open.get(lane);
    if (w) {
      const headLater = head !== undefined && windowStartOf(head.record.arrivalMs, tw) > w.startMs;
      const idleOver = head === undefined && (host.endOfShard() || now >= this.closesAt(lane)!);
      if (w.terminatedEarly || headLater || idleOver) return this.startFinal(lane, w);
      if (head && host.batchReady(lane, now)) this.startBatch(lane, w);
      return;
    }
    if (!head || !host.batchReady(lane, now)) return;
    const startMs = windowStartOf(head.record.arrivalMs, tw);
    const opened = new TumblingWindow(startMs, startMs + tw);
    this.open.set(lane, opened);
    this.startBatch(lane, opened);
  }

  private extras(w: TumblingWindow, final: boolean): () => Record<string, unknown> {
    return () => w.fields(this.host.shard.id, this.host.arn, final);
  }

  private startBatch(lane: Lane, w: TumblingWindow): void {
    const { host } = this;
    // The window fields and state travel in the event too (merged into it: `,` + members), so they count toward P-12.
    const reserved = jsonBytes(this.extras(w, false)()) - 1;
    host.startBatch(lane, host.takeBatch(lane, w.startMs, reserved), {
      eventExtras: this.extras(w, false),
      requireState: true,
      onState: (state) => w.setState(state),
    });
  }

  private startFinal(lane: Lane, w: TumblingWindow): void {
    const { host } = this;
    host.launch(
      lane,
      async () => {
        const outcome = await host.runner.run(w.held, {
          onDone: (entries) => host.markDone(entries),
          onStatus: (status) => host.setStatus(lane, status),
          eventExtras: this.extras(w, true),
          windowFinal: true,
        });
        // STR-34: the state is dropped once the final invoke succeeded (or its records were given up).
        if (outcome === 'done' && this.open.get(lane) === w) this.open.delete(lane);
      },
      (err) => {
        host.log.error({ err }, 'final window invoke failed unexpectedly; will retry');
        lane.blockedUntil = host.now() + host.options.retryBackoff.maxMs;
      },
    );
  }
}
