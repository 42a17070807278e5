// Keeps every enabled mapping running. A mapping whose source cannot be reached at start (an SQS endpoint down,
// a state store that does not answer) is retried with backoff, as sources are at run time, while the others
// run; before, one unreachable queue made `sluice start` exit 1. A config error found at the first attempt (P-6
// with the queue reachable, no connector) still refuses to start. Each mapping's state goes to the API-5 board,
// the sluice_mapping_state gauge and /readyz (with the last error).
import type { CompiledConfig, CompiledMapping } from '../config/compile.js';
import { exponentialCeilingMs, type BackoffPolicy } from '../core/retry/backoff.js';
import { SluiceError } from '../ports/errors.js';
import type { MappingState, MappingStateBoard } from './mapping-view.js';
import { mappingLogger } from './mapping-logger.js';
import { startOne, type MappingDeps, type RunningMapping } from './mappings.js';
import { setMappingInfo } from '../observability/info-metrics.js';
import type { ShardOperable } from './shard-control.js';

export type MappingRunState = 'starting' | 'running' | 'retrying' | 'stopping' | 'stopped';
const RUN_STATES: readonly MappingRunState[] = ['starting', 'running', 'retrying', 'stopping', 'stopped'];

export interface MappingStatus {
  uuid: string;
  functionName: string;
  eventSourceArn: string;
  state: MappingRunState;
  /** Why the mapping is not running (last start attempt, or its source now); credentials redacted. */
  error?: string;
}

const START_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 30_000 };

interface Entry {
  m: CompiledMapping;
  state: MappingRunState;
  error?: string;
  running?: RunningMapping;
  attempts: number;
  timer?: NodeJS.Timeout;
  /** The start attempt in flight, so stop() can wait for it. */
  attempt?: Promise<void>;
  /** The API State shown while starting or stopping (an update shows Updating, a re-enable Enabling). */
  label?: MappingState;
  /** Taken out while running (API delete, update, disable): no retry starts it again. */
  removed?: boolean;
}

export class MappingSupervisor {
  private entries: Entry[];
  private stopped = false;
  private refresh: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: CompiledConfig,
    private readonly deps: MappingDeps,
    private readonly board: MappingStateBoard,
    private readonly backoff: BackoffPolicy = START_BACKOFF,
    /** Starts one mapping (tests give a fake). */
    private readonly startMapping: typeof startOne = startOne,
  ) {
    this.entries = config.mappings.filter((m) => m.enabled).map((m) => ({ m, state: 'starting', attempts: 0 }));
    for (const e of this.entries) this.publish(e);
  }

  /** A running stream mapping's shards, for operator controls (#21). */
  operable(uuid: string): ShardOperable | undefined {
    return this.entries.find((e) => e.m.uuid === uuid)?.running?.operable;
  }

  /** Mappings running now. */
  runningIds(): string[] {
    return this.entries.filter((e) => e.running !== undefined).map((e) => e.m.uuid);
  }

  /** First attempt for every mapping; throws only for a config error (everything started is stopped again). */
  async start(): Promise<void> {
    for (const m of this.config.mappings)
      if (!m.enabled) mappingLogger(this.deps.logger, m).info({}, 'mapping disabled (Enabled: false)');
    // The gauge also follows running stream mappings whose source fails discovery.
    this.refresh = setInterval(() => this.statuses(), 5_000);
    this.refresh.unref();
    try {
      for (const e of [...this.entries]) await this.tryStart(e, true);
    } catch (err) {
      await this.stop(0);
      throw err;
    }
  }

  /**
   * Enabled mappings and their state. A started stream mapping counts as starting until it has listed its shards
   * (a Kafka group joined), and as retrying while its source fails (brokers down).
   */
  statuses(): MappingStatus[] {
    return this.entries.map((e) => {
      const problem = e.state === 'running' ? e.running?.problem?.() : undefined;
      const state = problem?.state ?? e.state;
      const error = problem !== undefined ? problem.error : e.state === 'running' ? undefined : e.error;
      const out: MappingStatus = {
        uuid: e.m.uuid,
        functionName: e.m.functionName,
        eventSourceArn: e.m.eventSourceArn,
        state,
      };
      if (error !== undefined) out.error = redact(error);
      this.setGauge(e, state);
      return out;
    });
  }

  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.refresh !== undefined) clearInterval(this.refresh);
    await Promise.all(
      this.entries.map(async (e) => {
        if (e.timer !== undefined) clearTimeout(e.timer);
        await e.attempt;
        const running = e.running;
        e.running = undefined;
        if (running === undefined) return this.move(e, 'stopped');
        this.move(e, 'stopping');
        await running.stop(graceMs);
        this.move(e, 'stopped');
      }),
    );
  }

  /** Starts a mapping while sluice runs (API create, update, enable); the others are not touched. */
  async add(m: CompiledMapping, label: MappingState = 'Creating'): Promise<void> {
    if (this.stopped) return;
    const e: Entry = { m, state: 'starting', attempts: 0, label };
    this.entries.push(e);
    this.publish(e);
    await this.tryStart(e, false);
  }

  /**
   * Stops one mapping while sluice runs: polling stops, in-flight batches finish and checkpoint. `label` is the API
   * State while it stops; `final` the one after (none when the mapping is replaced or gone).
   */
  async remove(uuid: string, graceMs: number, label: MappingState, final?: MappingState): Promise<void> {
    const e = this.entries.find((x) => x.m.uuid === uuid && x.removed !== true);
    if (e === undefined) return;
    e.removed = true;
    e.label = label;
    if (e.timer !== undefined) clearTimeout(e.timer);
    await e.attempt;
    const running = e.running;
    e.running = undefined;
    if (running !== undefined) {
      this.move(e, 'stopping');
      await running.stop(graceMs);
    }
    this.entries = this.entries.filter((x) => x !== e);
    e.state = 'stopped';
    this.setGauge(e, 'stopped');
    if (final !== undefined) this.board.set(uuid, final);
  }

  /** The run state of a mapping this supervisor runs. */
  runState(uuid: string): MappingRunState | undefined {
    return this.entries.find((x) => x.m.uuid === uuid && x.removed !== true)?.state;
  }

  private async tryStart(e: Entry, first: boolean): Promise<void> {
    e.attempts++;
    const attempt = this.startMapping(this.config, e.m, this.deps).then(
      async (running) => {
        // stop() came while this attempt was connecting: it waits for us, so stop what just started.
        if (this.stopped || e.removed === true) return running.stop(0);
        e.running = running;
        e.error = undefined;
        e.label = undefined;
        this.move(e, 'running');
        if (e.attempts > 1) mappingLogger(this.deps.logger, e.m).info({ attempts: e.attempts }, 'mapping started');
      },
      (err: unknown) => {
        // An error no retry can fix (a config the service cannot run) is reported at once by `sluice start`.
        if (first && err instanceof SluiceError && !err.retryable) throw err;
        e.error = err instanceof Error ? err.message : String(err);
        this.move(e, 'retrying');
        if (this.stopped || e.removed === true) return;
        const delayMs = exponentialCeilingMs(e.attempts, this.backoff);
        mappingLogger(this.deps.logger, e.m).warn(
          { err, attempts: e.attempts, retryInMs: delayMs },
          'mapping could not start; retrying',
        );
        e.timer = setTimeout(() => {
          e.timer = undefined;
          if (!this.stopped && e.removed !== true) void this.tryStart(e, false);
        }, delayMs);
      },
    );
    e.attempt = attempt.catch(() => undefined);
    await attempt;
  }

  private move(e: Entry, state: MappingRunState): void {
    e.state = state;
    this.publish(e);
  }

  private publish(e: Entry): void {
    const api: Record<MappingRunState, MappingState> = {
      starting: e.label ?? 'Creating',
      retrying: e.label ?? 'Creating',
      running: 'Enabled',
      stopping: e.label ?? 'Disabling',
      stopped: 'Disabled',
    };
    this.board.set(e.m.uuid, api[e.state]);
    this.setGauge(e, e.state);
  }

  private setGauge(e: Entry, state: MappingRunState): void {
    const labels = { mapping: e.m.uuid, function: e.m.functionName, source: e.m.kind };
    for (const s of RUN_STATES)
      this.deps.metrics.set('sluice_mapping_state', { ...labels, state: s }, s === state ? 1 : 0);
    setMappingInfo(this.deps.metrics, e.m, state === 'running');
  }
}

/** Error texts may quote a URL with credentials (redis://user:pass@host): keep the host, drop the secret. */
export function redact(message: string): string {
  return message.replace(/\/\/[^/\s@]*@/g, '//***@');
}
