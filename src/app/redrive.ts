// #21 redrive: one task that reads a failure destination (an SQS queue, a memory queue) and replays each message
// through a Replayer. A message leaves the queue only after its replay succeeded; failed and skipped ones are handed
// back when the task ends, so nothing is lost. A dry run receives, lists and hands everything back.
import type { QueueMessage, QueueSource } from '../ports/queue-source.js';

/** What became of one message. `would` is the dry run's description of what a replay would do. */
export type ReplayOutcome =
  | { result: 'replayed'; detail?: string }
  | { result: 'failed'; reason: string }
  | { result: 'skipped'; reason: string }
  | { result: 'would'; detail: string };

export type Replayer = (msg: QueueMessage, dryRun: boolean, signal: AbortSignal) => Promise<ReplayOutcome>;

export interface RedriveRequest {
  from: string;
  to: string;
  /** Replays per second; unlimited when absent. */
  ratePerSecond?: number;
  dryRun: boolean;
  /** Stop after this many messages were looked at. */
  max?: number;
  by: string;
}

export interface RedriveItem {
  messageId: string;
  result: ReplayOutcome['result'];
  detail?: string;
}

export interface RedriveProgress {
  id: string;
  from: string;
  to: string;
  dryRun: boolean;
  by: string;
  status: 'running' | 'done' | 'failed' | 'stopped';
  startedAt: string;
  endedAt?: string;
  /** Messages looked at, and what became of them. */
  seen: number;
  replayed: number;
  failed: number;
  skipped: number;
  /** The dry run's listing, and every failed or skipped message (the first ITEM_LIMIT). */
  items: RedriveItem[];
  error?: string;
}

const ITEM_LIMIT = 1_000;
/** A receive that returned nothing new this many times in a row: the queue is drained. */
const EMPTY_ROUNDS = 2;
const RECEIVE_WAIT_MS = 1_000;

export interface RedriveRun {
  dlq: QueueSource;
  replay: Replayer;
  /** Called after every message and at the end (the caller throttles what it stores). */
  onProgress(p: RedriveProgress): void;
  signal: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export function newProgress(id: string, req: RedriveRequest, nowMs: number): RedriveProgress {
  return {
    id,
    from: req.from,
    to: req.to,
    dryRun: req.dryRun,
    by: req.by,
    status: 'running',
    startedAt: new Date(nowMs).toISOString(),
    seen: 0,
    replayed: 0,
    failed: 0,
    skipped: 0,
    items: [],
  };
}

/** Runs the task to its end; never throws (a failure is the report's `error`). */
export async function runRedrive(p: RedriveProgress, req: RedriveRequest, run: RedriveRun): Promise<RedriveProgress> {
  const now = run.now ?? Date.now;
  const sleep = run.sleep ?? abortableSleep;
  const seenIds = new Set<string>();
  /** Received and not deleted: handed back at the end (or when received again after their visibility ran out). */
  const held = new Map<string, QueueMessage>();
  const startMs = now();
  let replays = 0;
  let empty = 0;
  try {
    while (!run.signal.aborted && (req.max === undefined || p.seen < req.max)) {
      const want = Math.min(10, req.max === undefined ? 10 : req.max - p.seen);
      const msgs = await run.dlq.receive(want, RECEIVE_WAIT_MS, run.signal);
      const fresh = msgs.filter((m) => !seenIds.has(m.id));
      // Seen before (its visibility ran out while held): keep only the newest handle.
      for (const m of msgs) if (seenIds.has(m.id)) held.set(m.id, m);
      if (fresh.length === 0) {
        if (++empty >= EMPTY_ROUNDS) break;
        continue;
      }
      empty = 0;
      for (const m of fresh) {
        seenIds.add(m.id);
        if (req.max !== undefined && p.seen >= req.max) {
          held.set(m.id, m);
          continue;
        }
        p.seen++;
        if (!req.dryRun && req.ratePerSecond !== undefined) {
          const due = startMs + (replays * 1000) / req.ratePerSecond;
          if (due > now()) await sleep(due - now(), run.signal);
          replays++;
        }
        const outcome = await replayOne(run, m, req.dryRun);
        record(p, m, outcome);
        if (outcome.result === 'replayed') {
          const notDeleted = await run.dlq.ack([m]);
          // Replayed but still in the queue: a later redrive would replay it again (a duplicate, never a loss).
          if (notDeleted.length > 0) p.items.push({ messageId: m.id, result: 'replayed', detail: 'not deleted' });
        } else held.set(m.id, m);
        run.onProgress(p);
      }
    }
    p.status = run.signal.aborted ? 'stopped' : 'done';
  } catch (err) {
    p.status = run.signal.aborted ? 'stopped' : 'failed';
    p.error = err instanceof Error ? err.message : String(err);
  } finally {
    if (held.size > 0) await run.dlq.nack([...held.values()], 0).catch(() => undefined);
  }
  p.endedAt = new Date(now()).toISOString();
  run.onProgress(p);
  return p;
}

async function replayOne(run: RedriveRun, m: QueueMessage, dryRun: boolean): Promise<ReplayOutcome> {
  try {
    return await run.replay(m, dryRun, run.signal);
  } catch (err) {
    return { result: 'failed', reason: err instanceof Error ? err.message : String(err) };
  }
}

function record(p: RedriveProgress, m: QueueMessage, o: ReplayOutcome): void {
  if (o.result === 'replayed') p.replayed++;
  else if (o.result === 'failed') p.failed++;
  else if (o.result === 'skipped') p.skipped++;
  if (o.result === 'replayed' || p.items.length >= ITEM_LIMIT) return;
  p.items.push({ messageId: m.id, result: o.result, detail: o.result === 'would' ? o.detail : o.reason });
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
