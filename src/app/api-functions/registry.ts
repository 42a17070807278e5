// Keeps this instance's runtimes in step with the API-created functions in the state store: one version read
// per poll, the full list only when it changed. Settles Pending/InProgress functions in the background (OPEN-2):
// unpack and check the package, then Active/Successful, or Failed with the previous code and config kept live.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CompiledFunction } from '../../config/compile.js';
import { functionArn } from '../../config/compile-function.js';
import type { FunctionDefinition, FunctionStore, StoredFunction } from '../../ports/function-store.js';
import type { Logger } from '../../ports/logger.js';
import { settledWithin } from '../deadline.js';
import { CodeError, unpack } from './code.js';
import { runnable } from './validate.js';
import { lastModified } from './view.js';

/** What the registry changes: the service's functions (src/app/functions.ts). */
export interface FunctionTarget {
  configured(name: string): boolean;
  put(fn: CompiledFunction): void;
  remove(name: string): void;
}

export interface RegistryOptions {
  store: FunctionStore;
  target: FunctionTarget;
  region: string;
  accountId: string;
  logger: Logger;
  /** OPEN-2: how long a write stays Pending/InProgress before it settles. */
  stateDelayMs: number;
  syncIntervalMs: number;
}

/** The start waits this long for the first sync; a state store that does not answer is retried by the poll. */
const START_SYNC_WAIT_MS = 5_000;
/** A write whose instance died before settling it is settled by whichever instance sees it this much later. */
const ORPHAN_AFTER_MS = 30_000;

export class FunctionRegistry {
  private readonly records = new Map<string, StoredFunction>();
  /** The live RevisionId each function runs with here. */
  private readonly applied = new Map<string, string>();
  private readonly settling = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private seenVersion: string | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private poll: NodeJS.Timeout | undefined;
  private codeRoot = '';
  private stopped = false;
  /** Order of this instance's own writes, so a sync that read the store before one does not undo it. */
  private seq = 0;
  private readonly writes = new Map<string, number>();
  /** Syncs queued or running: the poll adds none while one waits on the store. */
  private queued = 0;

  constructor(private readonly o: RegistryOptions) {}

  arn(name: string): string {
    return functionArn(this.o.region, this.o.accountId, name);
  }

  /** The stored function as this instance last saw it (its own writes included). */
  record(name: string): StoredFunction | undefined {
    return this.records.get(name);
  }

  /** Names of the API-created functions this instance knows. */
  names(): string[] {
    return [...this.records.keys()];
  }

  /** Where the running package of `name` is unpacked here, if it runs here. */
  codeDirectory(name: string): string | undefined {
    const live = this.records.get(name)?.live;
    return live === undefined || !this.applied.has(name) ? undefined : this.codeDir(name, live.CodeSha256);
  }

  async start(): Promise<void> {
    this.codeRoot = await mkdtemp(path.join(tmpdir(), 'sluice-code-'));
    // A state store that does not answer must neither stop nor hold up the start (sync logs it; the poll retries).
    await settledWithin(this.sync(), START_SYNC_WAIT_MS);
    this.poll = setInterval(() => {
      if (this.queued === 0) void this.sync().catch(() => undefined);
    }, this.o.syncIntervalMs);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    for (const t of this.timers) clearTimeout(t);
    // A sync still waiting on a state store that does not answer is left behind (stopped: it changes nothing).
    await settledWithin(this.syncing, 1_000);
    if (this.codeRoot !== '') await rm(this.codeRoot, { recursive: true, force: true });
  }

  /** Notes a write made here (so reads see it at once) and settles it after the state delay. */
  written(fn: StoredFunction): void {
    this.writes.set(fn.shown.FunctionName, this.seq++);
    this.records.set(fn.shown.FunctionName, fn);
    this.scheduleSettle(fn.shown.FunctionName, fn.shown.RevisionId, this.o.stateDelayMs);
  }

  forget(name: string): void {
    this.writes.set(name, this.seq++);
    this.records.delete(name);
    this.applyOne(name, undefined);
  }

  /** Reads the store when its version moved and applies what changed; runs one at a time. */
  sync(): Promise<void> {
    this.queued++;
    const next = this.syncing.then(() => this.syncOnce()).finally(() => this.queued--);
    this.syncing = next.catch((err: unknown) => this.o.logger.warn({ err }, 'function sync failed'));
    return next;
  }

  private async syncOnce(): Promise<void> {
    if (this.stopped) return;
    const version = await this.o.store.version();
    if (version === this.seenVersion) {
      for (const fn of this.records.values()) this.settleOrphan(fn);
      return;
    }
    // Writes made here after this point are newer than the list read below: it must not undo them.
    const startSeq = this.seq;
    const newer = (name: string) => (this.writes.get(name) ?? -1) >= startSeq;
    const all = await this.o.store.list();
    const names = new Set<string>();
    for (const fn of all) {
      const name = fn.shown.FunctionName;
      if (this.o.target.configured(name)) {
        this.o.logger.warn(
          { function: name },
          'an API-created function has the name of a config-file function; ignored',
        );
        continue;
      }
      names.add(name);
      if (newer(name)) continue; // the next sync (the version moved) applies it
      this.records.set(name, fn);
      try {
        await this.applyCode(fn);
      } catch (err) {
        this.o.logger.error({ err, function: name }, 'could not load an API-created function');
      }
      this.settleOrphan(fn);
    }
    for (const name of [...this.records.keys()]) if (!names.has(name) && !newer(name)) this.forget(name);
    this.seenVersion = version;
  }

  private settleOrphan(fn: StoredFunction): void {
    const s = fn.shown;
    if (s.State !== 'Pending' && s.LastUpdateStatus !== 'InProgress') return;
    const age = Date.now() - Date.parse(s.LastModified.replace('+0000', 'Z'));
    if (age > this.o.stateDelayMs + ORPHAN_AFTER_MS) this.scheduleSettle(s.FunctionName, s.RevisionId, 0);
  }

  private codeDir(name: string, sha256: string): string {
    if (this.codeRoot === '') throw new Error('the function registry is not started (no code directory)');
    return path.join(this.codeRoot, name, Buffer.from(sha256, 'base64').toString('hex'));
  }

  /** Makes the invoker run `fn.live` (unpacking its package here first), or nothing when it has none. */
  private async applyCode(fn: StoredFunction): Promise<void> {
    const name = fn.shown.FunctionName;
    const live = fn.live;
    if (live === undefined || this.applied.get(name) === live.RevisionId) {
      if (live === undefined) this.applyOne(name, undefined);
      return;
    }
    const dir = this.codeDir(name, live.CodeSha256);
    const zip = await this.o.store.getCode(name, live.CodeSha256);
    if (zip === undefined) throw new Error(`the package of function ${name} is missing from the state store`);
    await unpack(zip, dir);
    this.applyOne(name, compiled(live, this.arn(name), dir));
    this.applied.set(name, live.RevisionId);
  }

  private applyOne(name: string, fn: CompiledFunction | undefined): void {
    if (fn !== undefined) return this.o.target.put(fn);
    if (this.applied.delete(name)) this.o.target.remove(name);
  }

  private scheduleSettle(name: string, revision: string, delayMs: number): void {
    if (this.settling.has(revision)) return;
    this.settling.add(revision);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.settle(name, revision)
        .catch((err: unknown) => this.o.logger.error({ err, function: name }, 'could not settle function'))
        .finally(() => this.settling.delete(revision));
    }, delayMs);
    this.timers.add(t);
  }

  private async settle(name: string, revision: string): Promise<void> {
    if (this.stopped) return;
    const fn = await this.o.store.get(name);
    if (fn?.shown.RevisionId !== revision) return; // changed or deleted meanwhile
    const shown = fn.shown;
    let problem: CodeError | undefined;
    try {
      if (!runnable(shown.Runtime))
        throw new CodeError(
          'InvalidRuntime',
          `The runtime ${shown.Runtime} is not supported by sluice (it runs nodejs*.x)`,
        );
      const zip = await this.o.store.getCode(name, shown.CodeSha256);
      if (zip === undefined)
        throw new CodeError('InvalidZipFileException', 'The package is missing from the state store');
      await unpack(zip, this.codeDir(name, shown.CodeSha256));
    } catch (err) {
      if (!(err instanceof CodeError)) throw err;
      problem = err;
    }
    const next = outcome(fn, problem);
    if (!(await this.o.store.put(next, revision))) return;
    const dropped = problem === undefined ? fn.live?.CodeSha256 : shown.CodeSha256;
    if (dropped !== undefined && dropped !== next.shown.CodeSha256 && dropped !== next.live?.CodeSha256)
      await this.o.store.deleteCode(name, dropped);
    await this.sync();
  }
}

/** OPEN-2: the settled record; a failed update keeps the previous code and config (FN-16). */
function outcome(fn: StoredFunction, problem: CodeError | undefined): StoredFunction {
  const base: FunctionDefinition = {
    ...(problem === undefined || fn.live === undefined ? fn.shown : fn.live),
    RevisionId: randomUUID(),
    LastModified: lastModified(Date.now()),
  };
  delete base.StateReason;
  delete base.StateReasonCode;
  delete base.LastUpdateStatusReason;
  delete base.LastUpdateStatusReasonCode;
  if (problem === undefined) {
    const shown: FunctionDefinition = { ...base, State: 'Active', LastUpdateStatus: 'Successful' };
    return { shown, live: shown };
  }
  const reason = { LastUpdateStatusReason: problem.message, LastUpdateStatusReasonCode: problem.reasonCode };
  if (fn.live === undefined) {
    const failed: FunctionDefinition = { ...base, State: 'Failed', LastUpdateStatus: 'Failed', ...reason };
    return { shown: { ...failed, StateReason: problem.message, StateReasonCode: problem.reasonCode } };
  }
  return { shown: { ...base, LastUpdateStatus: 'Failed', ...reason }, live: fn.live };
}

/** An API-created function as the runtimes see it (always the nodejs runtime today, OPEN-5). */
function compiled(d: FunctionDefinition, arn: string, codeDir: string): CompiledFunction {
  return {
    name: d.FunctionName,
    arn,
    runtime: 'nodejs',
    settings: { Handler: d.Handler, CodeUri: codeDir },
    timeoutMs: d.Timeout * 1000,
    memorySizeMb: d.MemorySize,
    environment: d.Environment?.Variables ?? {},
    async: {
      configured: false,
      maximumRetryAttempts: 2,
      maximumEventAgeMs: 21_600_000,
      deadLetterTargetArn: d.DeadLetterConfig?.TargetArn,
    },
  };
}
