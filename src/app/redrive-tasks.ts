// #21 redrive tasks: started by the process that was asked, which runs it alone; its progress lives in the state
// store's notes so every process answers GET for it. One redrive per source queue at a time, across processes (a
// lease on the queue's address), so two operators never replay the same messages twice over.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../ports/logger.js';
import type { QueueSource } from '../ports/queue-source.js';
import type { LeaseStore, NoteStore } from '../ports/state.js';
import { newProgress, runRedrive, type RedriveProgress, type RedriveRequest, type Replayer } from './redrive.js';

/** What a task needs, made for its request (throws a message for the caller when the request cannot run). */
export interface RedrivePlan {
  dlq: QueueSource;
  replay: Replayer;
  /** Closes what the plan opened (the DLQ source, stream readers). */
  close(): Promise<void>;
}

export interface RedriveTaskDeps {
  notes: NoteStore;
  leases: LeaseStore;
  instanceId: string;
  plan(req: RedriveRequest): RedrivePlan;
  logger: Logger;
}

/** Reports are kept this long after the task ended. */
const REPORT_TTL_MS = 24 * 60 * 60_000;
const LEASE_TTL_MS = 30_000;
/** Progress is stored at most this often while a task runs. */
const STORE_EVERY_MS = 500;

/** A request that cannot start: 409 while another redrive of the queue runs, 400 when its addresses cannot be used. */
export class RedriveRefused extends Error {
  constructor(
    message: string,
    readonly status: 400 | 409,
  ) {
    super(message);
  }
}

export class RedriveTasks {
  private readonly running = new Map<string, { abort: AbortController; done: Promise<unknown> }>();

  constructor(private readonly deps: RedriveTaskDeps) {}

  /** Starts the task in the background; resolves with its first progress once it holds the queue's lease. */
  async start(req: RedriveRequest): Promise<RedriveProgress> {
    const id = randomUUID();
    const lease = leaseKey(req.from);
    if (!(await this.deps.leases.acquire(lease, id, LEASE_TTL_MS)))
      throw new RedriveRefused(`a redrive from ${req.from} is already running`, 409);
    let plan: RedrivePlan;
    try {
      plan = this.deps.plan(req);
    } catch (err) {
      await this.deps.leases.release(lease, id);
      throw new RedriveRefused(err instanceof Error ? err.message : String(err), 400);
    }
    const progress = newProgress(id, req, Date.now());
    await this.store(progress);
    const abort = new AbortController();
    let last = 0;
    let storing = Promise.resolve();
    const renew = setInterval(() => {
      void this.deps.leases.renew(lease, id, LEASE_TTL_MS).catch(() => undefined);
    }, LEASE_TTL_MS / 3);
    const done = runRedrive(progress, req, {
      dlq: plan.dlq,
      replay: plan.replay,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.status === 'running' && Date.now() - last < STORE_EVERY_MS) return;
        last = Date.now();
        const copy = JSON.stringify(p);
        storing = storing.then(() => this.storeRaw(p.id, copy)).catch(() => undefined);
      },
    })
      .then(async (p) => {
        await storing;
        await this.store(p).catch((err: unknown) => this.deps.logger.warn({ err }, 'redrive report not stored'));
        const { items: _items, ...counts } = p;
        this.deps.logger.info(counts, 'redrive ended');
      })
      .finally(async () => {
        clearInterval(renew);
        this.running.delete(id);
        await plan.close().catch(() => undefined);
        await this.deps.leases.release(lease, id).catch(() => undefined);
      });
    this.running.set(id, { abort, done });
    this.deps.logger.info({ id, from: req.from, to: req.to, dryRun: req.dryRun, by: req.by }, 'redrive started');
    return { ...progress, items: [...progress.items] };
  }

  async get(id: string): Promise<RedriveProgress | undefined> {
    const v = await this.deps.notes.get(noteKey(id));
    return v === undefined ? undefined : (JSON.parse(v) as RedriveProgress);
  }

  /** Stops the running tasks (what was replayed stays replayed; held messages are handed back). */
  async stop(): Promise<void> {
    for (const t of this.running.values()) t.abort.abort();
    await Promise.allSettled([...this.running.values()].map((t) => t.done));
  }

  private store(p: RedriveProgress): Promise<void> {
    return this.storeRaw(p.id, JSON.stringify(p));
  }

  private storeRaw(id: string, json: string): Promise<void> {
    return this.deps.notes.put(noteKey(id), json, REPORT_TTL_MS);
  }
}

const noteKey = (id: string) => `redrive:${id}`;
const leaseKey = (from: string) => `redrive:${from}`;
