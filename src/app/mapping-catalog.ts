// Every event source mapping of this sluice: the config file's (fixed) and the API's (ESMAPI-1..15), kept in the state
// store so every process sharing it runs them and they survive restarts. Each process polls the store's version and
// applies what changed, one change at a time, to its supervisor: a mapping starts, stops (in-flight batches finish
// and checkpoint) or restarts under the same UUID (positions hang on it) without touching the others.
import { randomUUID } from 'node:crypto';
import { compileApiMapping } from '../config/api-mapping.js';
import type { CompiledConfig, CompiledMapping } from '../config/compile.js';
import type { MappingEntry } from '../http/routes/event-source-mappings.js';
import { LambdaApiError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';
import type { MappingStore, StoredMapping, TagStore } from '../ports/state.js';
import { duplicateMessage, kafkaConfigUpdate, UPDATABLE } from './mapping-fields.js';
import type { MappingSupervisor } from './mapping-supervisor.js';
import { toMappingConfiguration, type MappingState, type MappingStateBoard } from './mapping-view.js';

/** How often each process looks for mappings another one created, changed or deleted. */
const POLL_MS = 1_000;

interface ApiMapping {
  stored: StoredMapping;
  compiled: CompiledMapping;
  /** Bumped whenever `stored` is replaced. */
  revision: number;
  /** What this process runs now, and the revision it came from. */
  applied?: CompiledMapping;
  appliedRevision?: number;
  deleting?: boolean;
}

export interface MappingCatalogDeps {
  config: CompiledConfig;
  store: MappingStore;
  supervisor: MappingSupervisor;
  board: MappingStateBoard;
  logger: Logger;
  graceMs: number;
  /** ESMAPI-9: Tags given at create are read with ListTags on the EventSourceMappingArn. */
  tags: TagStore;
  /** ESMAPI-14 checks that ask the source itself (a queue's visibility timeout); the message when refused. */
  sourceProblem?(m: CompiledMapping): Promise<string | undefined>;
}

const invalid = (message: string) => new LambdaApiError('InvalidParameterValueException', 400, message);

export class MappingCatalog {
  private readonly api = new Map<string, ApiMapping>();
  private readonly startedMs = Date.now();
  private version: string | undefined;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: MappingCatalogDeps) {}

  /**
   * Loads and starts the stored mappings, then polls. A store that does not answer yet does not fail the start (as
   * with the file's mappings, sluice keeps trying): the next polls load them.
   */
  async start(): Promise<void> {
    await this.enqueue(() => this.sync()).catch((err: unknown) =>
      this.deps.logger.warn({ err }, 'could not read the stored event source mappings; retrying'),
    );
    const tick = () => {
      this.timer = setTimeout(() => {
        void this.enqueue(() => this.sync())
          .catch((err: unknown) => this.deps.logger.warn({ err }, 'could not read the stored event source mappings'))
          .finally(() => {
            if (!this.stopped) tick();
          });
      }, POLL_MS);
      this.timer.unref();
    };
    tick();
  }

  /** Waits for the change being applied; the supervisor then stops what runs. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.chain.catch(() => undefined);
  }

  list(): MappingEntry[] {
    const file = this.deps.config.mappings.map((m) => this.entry(m, this.startedMs));
    const api = [...this.api.values()].map((e) => this.entry(e.compiled, e.stored.lastModifiedMs));
    return [...file, ...api];
  }

  async create(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const uuid = randomUUID();
    const fields: Record<string, unknown> = { ...this.withFunction(body), UUID: uuid };
    const compiled = this.compile(fields);
    const duplicate = this.all().find((m) => sameKey(m, compiled));
    if (duplicate !== undefined)
      throw new LambdaApiError('ResourceConflictException', 409, duplicateMessage(compiled, duplicate.uuid));
    const problem = await this.deps.sourceProblem?.(compiled);
    if (problem !== undefined) throw invalid(problem);
    const stored: StoredMapping = { uuid, fields, lastModifiedMs: Date.now() };
    const tags = fields.Tags as Record<string, string> | undefined;
    if (tags !== undefined) await this.deps.tags.add(compiled.arn, tags);
    await this.deps.store.put(stored);
    this.api.set(uuid, { stored, compiled, revision: 1 });
    this.deps.board.set(uuid, 'Creating');
    this.applyLater(uuid);
    return this.render(uuid);
  }

  async update(uuid: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const e = this.apiMapping(uuid);
    body = { ...body };
    for (const key of Object.keys(body)) {
      const kafka = kafkaConfigUpdate(key, body[key], e.stored.fields[key]);
      if (kafka !== undefined && 'problem' in kafka) throw invalid(kafka.problem);
      if (kafka !== undefined) body[key] = kafka.value;
      else if (!UPDATABLE.has(key)) throw invalid(`${key} cannot be updated; create a new event source mapping`);
    }
    const busy = this.transitional(uuid);
    if (busy !== undefined) throw inUse(uuid, busy);
    const fields: Record<string, unknown> = { ...e.stored.fields, ...this.withFunction(body) };
    for (const [k, v] of Object.entries(fields)) if (v === null) delete fields[k];
    const compiled = this.compile(fields);
    // A new FunctionName may meet another mapping of that function and source.
    const duplicate = this.all().find((m) => m.uuid !== uuid && sameKey(m, compiled));
    if (duplicate !== undefined)
      throw new LambdaApiError('ResourceConflictException', 409, duplicateMessage(compiled, duplicate.uuid));
    const stored: StoredMapping = { uuid, fields, lastModifiedMs: Math.max(Date.now(), e.stored.lastModifiedMs + 1) };
    await this.deps.store.put(stored);
    const was = e.compiled.enabled;
    e.stored = stored;
    e.revision++;
    e.compiled = compiled;
    this.deps.board.set(uuid, was === compiled.enabled ? 'Updating' : compiled.enabled ? 'Enabling' : 'Disabling');
    this.applyLater(uuid);
    return this.render(uuid);
  }

  async delete(uuid: string): Promise<Record<string, unknown>> {
    const e = this.apiMapping(uuid);
    if (e.deleting === true) return this.render(uuid);
    const busy = this.transitional(uuid);
    if (busy === 'Creating' || busy === 'Updating') throw inUse(uuid, busy);
    await this.deps.store.delete(uuid);
    await this.deps.tags.drop(e.compiled.arn);
    e.deleting = true;
    this.deps.board.set(uuid, 'Deleting');
    const view = this.render(uuid);
    this.applyLater(uuid);
    return view;
  }

  private entry(m: CompiledMapping, lastModifiedMs: number): MappingEntry {
    return {
      uuid: m.uuid,
      functionName: m.functionName,
      eventSourceArn: m.eventSourceArn,
      view: () => this.view(m, lastModifiedMs),
    };
  }

  private view(m: CompiledMapping, lastModifiedMs: number): Record<string, unknown> {
    return toMappingConfiguration(this.deps.config, m, this.deps.board, lastModifiedMs);
  }

  private render(uuid: string): Record<string, unknown> {
    const e = this.api.get(uuid);
    if (e === undefined) throw notFound();
    return this.view(e.compiled, e.stored.lastModifiedMs);
  }

  /** A mapping's compiled form (config file or API), for what reads its source directly (test-pattern, #21). */
  compiled(uuid: string): CompiledMapping | undefined {
    return this.all().find((m) => m.uuid === uuid);
  }

  /** The config file's mappings and the API's, compiled (redrive reads a stream with its mapping's connection). */
  all(): CompiledMapping[] {
    return [
      ...this.deps.config.mappings,
      ...[...this.api.values()].filter((e) => e.deleting !== true).map((e) => e.compiled),
    ];
  }

  private apiMapping(uuid: string): ApiMapping {
    const e = this.api.get(uuid);
    if (e !== undefined) return e;
    if (this.deps.config.mappings.some((m) => m.uuid === uuid))
      throw invalid(
        `The event source mapping ${uuid} is defined in the sluice config file: change or remove it there (the file stays authoritative for its mappings)`,
      );
    throw notFound();
  }

  /** FunctionName as a name (an ARN or qualified name resolved); a function the config does not have is a 404. */
  private withFunction(body: Record<string, unknown>): Record<string, unknown> {
    if (body.FunctionName === undefined) return body;
    const ref = body.FunctionName;
    const match =
      typeof ref === 'string'
        ? /^(?:arn:[\w-]+:lambda:[^:]*:)?(?:\d{12}:)?(?:function:)?([A-Za-z0-9_-]+)(?::([$\w-]+))?$/.exec(ref)
        : null;
    const name = match?.[1];
    const { config } = this.deps;
    if (name === undefined || !config.functions.has(name) || (match?.[2] !== undefined && match[2] !== '$LATEST'))
      throw new LambdaApiError(
        'ResourceNotFoundException',
        404,
        `Function not found: arn:aws:lambda:${config.region}:${config.accountId}:function:${JSON.stringify(ref).replace(/^"|"$/g, '')}`,
      );
    return { ...body, FunctionName: name };
  }

  private compile(fields: Record<string, unknown>): CompiledMapping {
    if (fields.FunctionName === undefined) throw invalid('FunctionName is required');
    const others = this.all();
    const { mapping, problems } = compileApiMapping(this.deps.config, fields, others);
    if (mapping === undefined) throw invalid(problems.join('; '));
    return mapping;
  }

  /** OPEN-12: a state the mapping is passing through (one that retries its start never settles: it does not count). */
  private transitional(uuid: string): MappingState | undefined {
    const s = this.deps.board.get(uuid)?.state;
    if (s === undefined || s === 'Enabled' || s === 'Disabled') return undefined;
    if (this.deps.supervisor.runState(uuid) === 'retrying') return undefined;
    return s;
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const next = this.chain.then(op);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Applies a change made through this process's API, after those queued before it. */
  private applyLater(uuid: string): void {
    this.enqueue(() => this.apply(uuid)).catch((err: unknown) =>
      this.deps.logger.error({ err, mapping: uuid }, 'could not apply an event source mapping change'),
    );
  }

  /** Picks up what other processes stored (or a restart finds). */
  private async sync(): Promise<void> {
    const { store, logger } = this.deps;
    const version = await store.version();
    if (version === this.version) return;
    // Only mappings known before the listing can be missing from it (one created meanwhile is not deleted).
    const known = [...this.api.keys()];
    const stored = await store.list();
    this.version = version;
    const present = new Set(stored.map((s) => s.uuid));
    for (const s of stored) {
      const e = this.api.get(s.uuid);
      // Whatever the store holds wins (clocks of processes may differ; every change bumps the version).
      if (e !== undefined && JSON.stringify(e.stored) === JSON.stringify(s)) continue;
      if (e?.deleting === true) continue;
      let compiled: CompiledMapping;
      try {
        compiled = this.compile(s.fields);
      } catch (err) {
        logger.error({ err, mapping: s.uuid }, 'a stored event source mapping does not fit this config; not run');
        continue;
      }
      if (e === undefined) this.api.set(s.uuid, { stored: s, compiled, revision: 1 });
      else Object.assign(e, { stored: s, compiled, revision: e.revision + 1 });
      await this.apply(s.uuid);
    }
    for (const uuid of known) {
      const e = this.api.get(uuid);
      if (e === undefined || present.has(uuid) || e.deleting === true) continue;
      e.deleting = true;
      await this.apply(uuid);
    }
  }

  /** Brings what runs here in line with the mapping's latest change. */
  private async apply(uuid: string): Promise<void> {
    const { supervisor, board, graceMs, logger } = this.deps;
    const e = this.api.get(uuid);
    if (e === undefined) return;
    const start = (m: CompiledMapping, label: MappingState) =>
      void supervisor.add(m, label).catch((err: unknown) => logger.error({ err, mapping: uuid }, 'mapping start'));
    if (e.deleting === true) {
      board.set(uuid, 'Deleting');
      await supervisor.remove(uuid, graceMs, 'Deleting');
      this.api.delete(uuid);
      board.delete(uuid);
      return;
    }
    if (e.appliedRevision === e.revision) return;
    const prev = e.applied;
    const next = e.compiled;
    e.applied = next;
    e.appliedRevision = e.revision;
    if (prev === undefined) {
      if (next.enabled) start(next, 'Creating');
      else board.set(uuid, 'Disabled');
      return;
    }
    const toggled = prev.enabled !== next.enabled;
    const label: MappingState = !toggled ? 'Updating' : next.enabled ? 'Enabling' : 'Disabling';
    const same = sameExceptEnabled(prev, next);
    if (prev.enabled && !(same && next.enabled))
      await supervisor.remove(uuid, graceMs, label, next.enabled ? undefined : 'Disabled');
    if (next.enabled && !(same && prev.enabled)) start(next, label);
    if (!prev.enabled && !next.enabled) board.set(uuid, 'Disabled');
    if (same && prev.enabled && next.enabled)
      board.set(uuid, supervisor.runState(uuid) === 'running' ? 'Enabled' : 'Creating');
  }
}

function notFound(): LambdaApiError {
  return new LambdaApiError('ResourceNotFoundException', 404, 'The resource you requested does not exist.');
}

function inUse(uuid: string, state: MappingState): LambdaApiError {
  return new LambdaApiError(
    'ResourceInUseException',
    400,
    `Cannot update the event source mapping ${uuid} because it is in use: it is ${state}. Retry once it is Enabled or Disabled.`,
  );
}

/** OPEN-11: one mapping per function (qualifier included) and source (address, topics or queues). */
function sameKey(a: CompiledMapping, b: CompiledMapping): boolean {
  return (
    a.functionName === b.functionName &&
    a.eventSourceArn === b.eventSourceArn &&
    JSON.stringify(sourceNames(a)) === JSON.stringify(sourceNames(b))
  );
}

/** What within the address a mapping reads (Kafka topics, RabbitMQ queues): its settings without consumer groups. */
function sourceNames(m: CompiledMapping): unknown {
  const s = m.settings;
  if (s === null || typeof s !== 'object') return s;
  return Object.fromEntries(Object.entries(s).filter(([k]) => !/group/i.test(k)));
}

function sameExceptEnabled(a: CompiledMapping, b: CompiledMapping): boolean {
  return JSON.stringify({ ...a, enabled: true }) === JSON.stringify({ ...b, enabled: true });
}
