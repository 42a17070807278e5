// Operator controls of one shard (#21): what inspection shows of a lane, and the commands an operator sends it.
// The engine acts on them at safe points only (between attempts), so order and checkpoints stay as without them.
import type { Destination } from '../../ports/sources.js';
import type { LaneStatus } from './batch-types.js';
import type { Lane } from './lane.js';
import type { WindowView } from './tumbling-window.js';

/** Who asked and when; copied into the failure record of a skipped batch. */
export interface OperatorNote {
  by: string;
  at: string;
}

/** The batch a lane keeps retrying. */
export interface FailingBatch {
  since: number;
  attempts: number;
  firstPosition: string;
  lastPosition: string;
  records: number;
  error: string;
}

export interface LaneView {
  status: LaneStatus;
  busy: boolean;
  waiting: number;
  failing?: Omit<FailingBatch, 'since'> & { since: string };
  /** Tumbling windows: the lane's open window (null: none open). */
  window?: WindowView | null;
}

export interface ShardView {
  shardId: string;
  paused: boolean;
  position: { checkpoint?: string; lastRead?: string; pending: number };
  /**
   * How far behind the shard is: `iteratorAgeMs` is the age of the last record of the last batch when it was sent
   * (IteratorAge, STR-27); `records` the source's own count of unprocessed records (Kafka offset lag).
   */
  lag?: { iteratorAgeMs?: number; records?: number };
  lanes: LaneView[];
}

/** skip: to the mapping's on-failure destination (dropped without one); park: to the given destination. */
export type ShardCommand =
  | { action: 'skip'; note: OperatorNote }
  | { action: 'park'; note: OperatorNote; destination: Destination }
  | { action: 'pause' }
  | { action: 'resume' }
  /** Resume after `position`, or at `timestampMs`; backwards (or by time) only with force. */
  | { action: 'seek'; note: OperatorNote; to: { position: string } | { timestampMs: number }; force?: boolean };

/** A pending give-up: who asked, and where the batch goes instead of the on-failure destination (park). */
export interface GiveUpRequest {
  action: 'skip' | 'park';
  note: OperatorNote;
  destination?: Destination;
}

/** What a command did: `skipped` counts the lanes whose failing batch is being given up. */
export type ShardCommandResult = { done: true; skipped?: number } | { done: false; reason: string };

/** A lane's operator state: a pending skip, and a signal that cuts its backoff sleep short when one arrives. */
export class LaneOperator {
  private wake = new AbortController();
  private skip: GiveUpRequest | undefined;
  failing: FailingBatch | undefined;

  get signal(): AbortSignal {
    return this.wake.signal;
  }

  requestSkip(request: GiveUpRequest): void {
    this.skip = request;
    this.wake.abort();
    this.wake = new AbortController();
  }

  /** The pending skip, taken once. */
  takeSkip(): GiveUpRequest | undefined {
    const s = this.skip;
    this.skip = undefined;
    return s;
  }

  /** The batch ended (done, given up or stopped): nothing pending carries over to the next. */
  batchEnded(): void {
    this.skip = undefined;
    this.failing = undefined;
  }
}

export function shardView(s: {
  shardId: string;
  paused: boolean;
  checkpoint: string | undefined;
  lastRead: string | undefined;
  pending: number;
  lanes: readonly Lane[];
  window: ((lane: Lane) => WindowView | null) | undefined;
}): ShardView {
  const position = { pending: s.pending, ...(s.checkpoint !== undefined && { checkpoint: s.checkpoint }) };
  return {
    shardId: s.shardId,
    paused: s.paused,
    position: s.lastRead === undefined ? position : { ...position, lastRead: s.lastRead },
    lanes: s.lanes.map((l) => {
      const f = l.operator.failing;
      const view: LaneView = { status: l.status, busy: l.busy, waiting: l.waiting.length };
      if (f) view.failing = { ...f, since: new Date(f.since).toISOString() };
      if (s.window) view.window = s.window(l);
      return view;
    }),
  };
}
