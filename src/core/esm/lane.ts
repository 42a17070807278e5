// A shard lane (D-2): its waiting records (cut into batches by the core's one Batcher), whether a batch is in flight,
// its health; and how the event around a batch is measured (P-12) and where a tumbling window starts (STR-31).
import type { ShardInfo, StreamSource } from '../../ports/sources.js';
import { Batcher, type BatchLimits, type Cut } from '../batch/batcher.js';
import type { BatchEntry, LaneStatus } from './batch-types.js';
import { LaneOperator } from './shard-operator.js';

/** A batch cut from a lane's queue (`tooLarge`: one record whose event alone is over the cap, P-12). */
export type Batch = Cut<BatchEntry>;

export interface Lane {
  /** Records waiting for a batch: BatchSize, batching window and payload cap (core/batch). */
  readonly waiting: Batcher<BatchEntry>;
  busy: boolean;
  /** Set after an unexpected error, so the lane does not spin. */
  blockedUntil: number;
  status: LaneStatus;
  /** Operator controls (#21): pending skip, failing batch shown by inspection. */
  readonly operator: LaneOperator;
}

const STATUS_RANK: Record<LaneStatus, number> = { running: 0, retrying: 1, blocked: 2 };

/** A shard's status is its worst lane's. */
export function worstStatus(lanes: readonly Lane[]): LaneStatus {
  return lanes.reduce<LaneStatus>((w, l) => (STATUS_RANK[l.status] > STATUS_RANK[w] ? l.status : w), 'running');
}

export function newLane(limits: BatchLimits, now: number): Lane {
  return {
    waiting: new Batcher<BatchEntry>(limits, (e) => e.record.sizeBytes, now),
    busy: false,
    blockedUntil: 0,
    status: 'running',
    operator: new LaneOperator(),
  };
}

/**
 * Bytes of the event around its records (P-12): the serialized event of the head record alone, less that record.
 * Records are then counted as sent: their exact JSON size (StreamRecord.sizeBytes) plus a separator each.
 */
export function envelopeBytes(source: StreamSource, shard: ShardInfo, head: BatchEntry): number {
  return Math.max(0, source.events.event(shard, [head.record]).length - head.record.sizeBytes);
}

export function windowStartOf(arrivalMs: number, windowMs: number): number {
  return Math.floor(arrivalMs / windowMs) * windowMs;
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}
