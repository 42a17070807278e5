// A shard lane's queue and how batches are formed from it: BatchSize, batching window, the 6 MB cap counted on the
// event as sent (P-12, P-13), and the tumbling-window bound a batch never crosses (STR-31).
import type { ShardInfo, StreamSource } from '../../ports/sources.js';
import type { BatchEntry, LaneStatus } from './batch-types.js';

export interface Batch {
  entries: BatchEntry[];
  /** One record whose event alone is over the payload cap (P-12). */
  tooLarge: boolean;
}

export interface Lane {
  queue: BatchEntry[];
  /** Sum of the queued records' sizeBytes. */
  queuedBytes: number;
  busy: boolean;
  /** When the queue last went from empty to non-empty. */
  firstQueuedAt: number;
  /** P-13: the next batching window starts when the previous invocation finished. */
  lastDoneAt: number;
  /** Set after an unexpected error, so the lane does not spin. */
  blockedUntil: number;
  status: LaneStatus;
}

const STATUS_RANK: Record<LaneStatus, number> = { running: 0, retrying: 1, blocked: 2 };

/** A shard's status is its worst lane's. */
export function worstStatus(lanes: readonly Lane[]): LaneStatus {
  return lanes.reduce<LaneStatus>((w, l) => (STATUS_RANK[l.status] > STATUS_RANK[w] ? l.status : w), 'running');
}

export interface BatchLimits {
  batchSize: number;
  maxBatchingWindowMs: number;
  maxPayloadBytes: number;
  tumblingWindowMs: number;
}

export function newLane(now: number): Lane {
  return {
    queue: [],
    queuedBytes: 0,
    busy: false,
    firstQueuedAt: now,
    lastDoneAt: now,
    blockedUntil: 0,
    status: 'running',
  };
}

/**
 * Bytes of the event around its records (P-12): the serialized event of the head record alone, less that record.
 * Records are then counted as sent: their exact JSON size (StreamRecord.sizeBytes) plus a separator each.
 */
export function envelopeBytes(source: StreamSource, shard: ShardInfo, head: BatchEntry): number {
  return Math.max(0, jsonBytes(source.buildEvent(shard, [head.record])) - head.record.sizeBytes);
}

export function batchDeadline(lane: Lane, limits: Pick<BatchLimits, 'maxBatchingWindowMs'>): number {
  return Math.max(lane.firstQueuedAt, lane.lastDoneAt) + limits.maxBatchingWindowMs;
}

/** A full batch waits (BatchSize or the cap, with the last measured envelope), or the batching window is over. */
export function batchReady(lane: Lane, now: number, limits: BatchLimits, envelope: number): boolean {
  const eventBytes = envelope + lane.queuedBytes + lane.queue.length - 1;
  if (lane.queue.length >= limits.batchSize || eventBytes >= limits.maxPayloadBytes) return true;
  return now >= batchDeadline(lane, limits);
}

/**
 * Takes records in order up to BatchSize and the payload cap, the event counted as sent: `overheadBytes` (the
 * envelope and whatever the engine adds, such as window fields), each record and a comma between records. Records of
 * later windows stay queued. A lone record whose event is over the cap comes back as `tooLarge`.
 */
export function takeBatch(lane: Lane, limits: BatchLimits, overheadBytes: number, windowStartLimit: number): Batch {
  const { batchSize, tumblingWindowMs } = limits;
  const budget = limits.maxPayloadBytes - overheadBytes;
  const entries: BatchEntry[] = [];
  let bytes = 0;
  let recordBytes = 0;
  for (const entry of lane.queue) {
    if (entries.length >= batchSize) break;
    const adds = entry.record.sizeBytes + (entries.length > 0 ? 1 : 0); // the comma before it
    if (entries.length > 0 && bytes + adds > budget) break;
    if (tumblingWindowMs > 0 && windowStartOf(entry.record.arrivalMs, tumblingWindowMs) > windowStartLimit) break;
    entries.push(entry);
    bytes += adds;
    recordBytes += entry.record.sizeBytes;
    if (bytes > budget) break; // a lone oversized record, discarded without invoking
  }
  lane.queue.splice(0, entries.length);
  lane.queuedBytes -= recordBytes;
  return { entries, tooLarge: bytes > budget };
}

export function windowStartOf(arrivalMs: number, windowMs: number): number {
  return Math.floor(arrivalMs / windowMs) * windowMs;
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}
