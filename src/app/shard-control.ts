// Operator controls of stream shards across processes (#21). Each process publishes the shards it owns to the state
// store's notes (with a ttl) and polls the commands left for its mappings; a command is carried out by the process
// that owns the shard (its lease holder), so two processes never act on one shard. A command the receiving process
// can carry out itself is done at once.
import { randomUUID } from 'node:crypto';
import type { OperatorNote, ShardCommand, ShardCommandResult, ShardView } from '../core/esm/shard-operator.js';
import type { Logger } from '../ports/logger.js';
import type { Destination } from '../ports/sources.js';
import type { NoteStore } from '../ports/state.js';

/** A running stream mapping as the controls see it (core/esm StreamMapping fits). */
export interface ShardOperable {
  shards(): { owner: string; shards: ShardView[] };
  command(shardId: string | undefined, cmd: ShardCommand): ShardCommandResult | 'not-owned';
}

export type OwnedShardView = ShardView & { owner: string };

/** A command as it travels between processes: a park names its destination by address (checked by the route). */
export type WireCommand =
  | { action: 'skip'; note: OperatorNote }
  | { action: 'park'; note: OperatorNote; destination: string }
  | { action: 'pause' | 'resume' }
  | Extract<ShardCommand, { action: 'seek' }>;

export interface CommandState {
  id: string;
  status: 'done' | 'refused' | 'pending';
  shardId?: string;
  action: WireCommand['action'];
  /** The process that carried it out. */
  by?: string;
  result?: ShardCommandResult;
}

export interface ShardControlDeps {
  notes: NoteStore;
  /** Several processes share the state store: publish and poll through it. */
  shared: boolean;
  instanceId: string;
  mapping(uuid: string): ShardOperable | undefined;
  mappings(): string[];
  /** A configured destination by address (park). */
  destination(address: string): Destination;
  logger: Logger;
  /** How often status is published and commands are polled (default 1 s). */
  periodMs?: number;
}

interface Pending {
  id: string;
  shardId?: string;
  cmd: WireCommand;
}

const RESULT_TTL_MS = 10 * 60_000;
/** A pause note lives this long without an owner refreshing it (every tick while the shard is held). */
const PAUSE_TTL_MS = 24 * 3_600_000;
/** A command no owner took within this long is dropped (its GET then answers 404). */
const COMMAND_TTL_MS = 60_000;

export class ShardControl {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  /** Whole-mapping commands this process already applied (each process applies them once). */
  private readonly applied = new Set<string>();

  constructor(private readonly deps: ShardControlDeps) {}

  private get period(): number {
    return this.deps.periodMs ?? 1_000;
  }

  start(): void {
    if (!this.deps.shared || this.timer) return;
    this.timer = setInterval(() => {
      this.ticking = this.ticking
        .then(() => this.tick())
        .catch((err: unknown) => {
          this.deps.logger.warn({ err }, 'shard control tick failed');
        });
    }, this.period);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** Every shard of the mapping: this process's own, and (shared state) those the other processes publish. */
  async inspect(uuid: string): Promise<OwnedShardView[]> {
    const local = this.deps.mapping(uuid)?.shards();
    const out: OwnedShardView[] = (local?.shards ?? []).map((s) => ({ ...s, owner: local!.owner }));
    if (!this.deps.shared) return out;
    const seen = new Set(out.map((s) => s.shardId));
    for (const [key, value] of await this.deps.notes.list(statusKey(uuid, ''))) {
      if (key === statusKey(uuid, this.deps.instanceId)) continue;
      const theirs = JSON.parse(value) as { owner: string; shards: ShardView[] };
      for (const s of theirs.shards) if (!seen.has(s.shardId)) out.push({ ...s, owner: theirs.owner });
    }
    return out.sort((a, b) => a.shardId.localeCompare(b.shardId));
  }

  /**
   * Carries the command out here when this process owns the shard, else leaves it for the owner (shared state).
   * undefined: the mapping does not run here and no other process can be asked.
   */
  async send(uuid: string, shardId: string | undefined, cmd: WireCommand): Promise<CommandState | undefined> {
    const id = randomUUID();
    this.applied.add(id);
    if (this.deps.shared && (cmd.action === 'pause' || cmd.action === 'resume'))
      await this.rememberPause(uuid, shardId, cmd.action === 'pause');
    const local = this.deps.mapping(uuid);
    const here = local?.command(shardId, this.resolve(cmd));
    const base = { id, action: cmd.action, ...(shardId !== undefined && { shardId }) };
    if (here !== undefined && here !== 'not-owned') {
      const state: CommandState = { ...base, status: status(here), by: this.deps.instanceId, result: here };
      await this.record(uuid, state);
      if (shardId === undefined && this.deps.shared) await this.leave(uuid, { id, cmd }); // the others apply it too
      return state;
    }
    if (!this.deps.shared) return undefined;
    await this.leave(uuid, { id, cmd, ...(shardId !== undefined && { shardId }) });
    const state: CommandState = { ...base, status: 'pending' };
    await this.record(uuid, state, COMMAND_TTL_MS);
    return state;
  }

  async result(uuid: string, id: string): Promise<CommandState | undefined> {
    const v = await this.deps.notes.get(resultKey(uuid, id));
    return v === undefined ? undefined : (JSON.parse(v) as CommandState);
  }

  /** Publishes this process's shards and carries out the commands left for shards it owns. */
  async tick(): Promise<void> {
    const { notes, instanceId } = this.deps;
    for (const uuid of this.deps.mappings()) {
      const m = this.deps.mapping(uuid);
      if (!m) continue;
      const view = m.shards();
      await notes.put(statusKey(uuid, instanceId), JSON.stringify(view), this.period * 5);
      await this.keepPaused(uuid, m, view.shards);
      const owned = new Set(view.shards.map((s) => s.shardId));
      for (const [key, value] of await notes.list(commandKey(uuid, ''))) {
        const p = JSON.parse(value) as Pending;
        if (p.shardId === undefined) {
          if (this.applied.has(p.id)) continue;
          this.applied.add(p.id);
          const r = m.command(undefined, this.resolve(p.cmd));
          if (r !== 'not-owned')
            this.deps.logger.info({ mapping: uuid, action: p.cmd.action }, 'mapping command applied');
          continue;
        }
        if (!owned.has(p.shardId) || (await notes.take(key)) === undefined) continue;
        const r = this.carryOut(m, p.shardId, p.cmd);
        const base = { id: p.id, action: p.cmd.action, shardId: p.shardId };
        await this.record(
          uuid,
          r === 'not-owned'
            ? { ...base, status: 'refused', by: instanceId, result: { done: false, reason: 'shard left this process' } }
            : { ...base, status: status(r), by: instanceId, result: r },
        );
      }
    }
  }

  /**
   * A pause outlives the process that carried it out: it is kept in the notes, so whoever holds the shard's lease
   * next (a restart, a rebalance) keeps it paused until a resume removes the note. A mapping-wide resume ends
   * every pause of the mapping.
   */
  private async rememberPause(uuid: string, shardId: string | undefined, paused: boolean): Promise<void> {
    const { notes } = this.deps;
    if (paused) return notes.put(pausedKey(uuid, shardId), '1', PAUSE_TTL_MS);
    const keys =
      shardId === undefined ? [...(await notes.list(pausedKey(uuid, ''))).keys()] : [pausedKey(uuid, shardId)];
    for (const key of keys) await notes.take(key);
  }

  /** Brings this process's shards in line with the pauses in the notes (and keeps those notes alive). */
  private async keepPaused(uuid: string, m: ShardOperable, shards: readonly ShardView[]): Promise<void> {
    const { notes } = this.deps;
    const kept = await notes.list(pausedKey(uuid, ''));
    const all = kept.has(pausedKey(uuid, undefined));
    if (all && shards.some((s) => !s.paused)) m.command(undefined, { action: 'pause' });
    for (const s of shards) {
      const want = all || kept.has(pausedKey(uuid, s.shardId));
      if (want !== s.paused && !(all && want)) m.command(s.shardId, { action: want ? 'pause' : 'resume' });
      if (want && !all) await notes.put(pausedKey(uuid, s.shardId), '1', PAUSE_TTL_MS);
    }
    if (all && shards.length > 0) await notes.put(pausedKey(uuid, undefined), '1', PAUSE_TTL_MS);
  }

  /** A park destination that cannot be made here is the command's refusal, not the tick's failure. */
  private carryOut(m: ShardOperable, shardId: string, cmd: WireCommand): ShardCommandResult | 'not-owned' {
    try {
      return m.command(shardId, this.resolve(cmd));
    } catch (err) {
      return { done: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }

  private resolve(cmd: WireCommand): ShardCommand {
    return cmd.action === 'park' ? { ...cmd, destination: this.deps.destination(cmd.destination) } : cmd;
  }

  private leave(uuid: string, p: Pending): Promise<void> {
    return this.deps.notes.put(commandKey(uuid, p.id), JSON.stringify(p), COMMAND_TTL_MS);
  }

  private record(uuid: string, state: CommandState, ttlMs = RESULT_TTL_MS): Promise<void> {
    return this.deps.notes.put(resultKey(uuid, state.id), JSON.stringify(state), ttlMs);
  }
}

function status(r: ShardCommandResult): 'done' | 'refused' {
  return r.done ? 'done' : 'refused';
}

const statusKey = (uuid: string, instance: string) => `shards:${uuid}:status:${instance}`;
const commandKey = (uuid: string, id: string) => `shards:${uuid}:cmd:${id}`;
const resultKey = (uuid: string, id: string) => `shards:${uuid}:result:${id}`;
/** Whether a shard starting in this process must start paused (its own pause, or the whole mapping's). */
export async function pausedInNotes(notes: NoteStore, uuid: string, shardId: string): Promise<boolean> {
  const kept = await notes.list(pausedKey(uuid, ''));
  return kept.has(pausedKey(uuid, undefined)) || kept.has(pausedKey(uuid, shardId));
}

/** `*` for the whole mapping; a prefix of every pause of the mapping with shardId ''. */
const pausedKey = (uuid: string, shardId: string | undefined) => `shards:${uuid}:paused:${shardId ?? '*'}`;
