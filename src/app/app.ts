// The composition root: the only place that imports core, connectors, runtimes, state and http together.
// Start order: state → functions → async engine → HTTP → mappings. Stop runs it backwards: mappings
// stop polling and finish in-flight batches (checkpoints flushed), the async engine releases its claims,
// HTTP drains, runtimes and connections close.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { MemoryBroker, type MemoryQueueSettings } from '../../connectors/memory/index.js';
import type { CompiledConfig } from '../config/compile.js';
import { createAsyncEngine, type AsyncEngine } from '../core/async/index.js';
import { SluiceError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';
import { HttpServer } from '../http/server.js';
import { PrometheusMetrics } from '../observability/prometheus.js';
import { ALLOWED_API_DESTINATIONS, apiDestinationProblem } from './api-destinations.js';
import { systemClock } from './clock.js';
import { createDestinations } from './destinations.js';
import { settledWithin } from './deadline.js';
import { buildFunctions, type Functions } from './functions.js';
import { MappingSupervisor } from './mapping-supervisor.js';
import { queueProblem } from './mappings.js';
import { readinessProbe } from './readiness.js';
import { openState } from './state.js';
import { eventInvokeConfigRoutes } from '../http/routes/event-invoke-config.js';
import { eventSourceMappingRoutes } from '../http/routes/event-source-mappings.js';
import { functionWriteRoutes } from '../http/routes/functions-write.js';
import { openFunctionApi } from './api-functions/index.js';
import { MappingCatalog } from './mapping-catalog.js';
import { MappingStateBoard } from './mapping-view.js';
import { functionApiRoutes } from './function-api.js';
import { applyConfig, reloadCode, type ReloadTarget } from './reload.js';
import { shardRoutes } from '../http/routes/shards.js';
import { patternSampleRoutes } from '../http/routes/pattern-sample.js';
import { uiRoutes } from '../http/routes/ui.js';
import { MAX_SAMPLE, samplePatterns } from './pattern-sample.js';
import { ShardControl } from './shard-control.js';
import { shareApiSettings } from './workers-share.js';
import { redriveRoutes } from '../http/routes/redrive.js';
import { redrivePlan, redriveProblem, type RedrivePlanDeps } from './redrive-plan.js';
import { RedriveRefused, RedriveTasks } from './redrive-tasks.js';

export interface App {
  address(): AddressInfo;
  stop(reason: string): Promise<void>;
  readonly metrics: PrometheusMetrics;
  /** The config applied now (a reload changes it in place). */
  readonly config: CompiledConfig;
  /** Applies a changed config (src/app/reload.ts); reloads run one after the other. */
  reload(next: CompiledConfig): Promise<void>;
  /** New invocations of the function get new environments that load its code again. */
  reloadCode(functionName: string): void;
}

export async function startApp(config: CompiledConfig, logger: Logger): Promise<App> {
  const instanceId = randomUUID();
  const metrics = new PrometheusMetrics(logger);
  const clock = systemClock;
  let ready = false;
  const stack: Array<{ name: string; stop: () => Promise<void> }> = [];

  try {
    const state = openState(config);
    stack.push({ name: 'state', stop: () => state.store.close() });
    // The async queue's own connection (Redis): left open, it keeps the process alive after SIGTERM.
    stack.push({ name: 'async queue', stop: () => state.asyncQueue.close() });

    const functions: Functions = buildFunctions(config, metrics, clock);
    shareApiSettings(functions); // --workers: API-set reservations and async settings reach every process
    // What mappings and API destinations may name: the file's functions and those created over the API.
    const live: CompiledConfig = { ...config, functions: functions.all };
    stack.push({ name: 'runtimes', stop: () => functions.close() });
    // Functions created over the API: loaded from the state store now, kept in step with it while running.
    stack.push({ name: 'function store', stop: () => state.functions.close() });
    const functionApi = openFunctionApi({
      config,
      store: state.functions,
      target: functions,
      logger,
      tags: state.store.tags,
      destinationProblem: (address) => apiDestinationProblem(config, address, 'dead-letter'),
    });
    await functionApi.registry.start();
    stack.push({ name: 'function api', stop: () => functionApi.registry.stop() });

    const broker = new MemoryBroker({
      region: config.region,
      accountId: config.accountId,
      visibilityTimeoutMs: config.tuning.memoryQueueVisibilitySeconds * 1000,
      maxRecords: config.memorySources.maxRecords,
      maxBytes: config.memorySources.maxBytes,
      queues: memoryQueueSettings(config),
      onRedrive: (move) => logger.warn(move, 'message moved to its dead-letter queue after maxReceiveCount receives'),
    });
    const instances = { memory: broker };
    // Destinations may invoke another function asynchronously, so they reach the engine created below.
    const engineRef: { current?: AsyncEngine } = {};
    const destinations = createDestinations(config, {
      instances,
      functions: {
        has: (name) => functions.get(name) !== undefined,
        invokeAsync: async (name, payload, traceHeader) => {
          if (engineRef.current === undefined) throw new SluiceError('NotReady', 'async engine not started');
          await engineRef.current.submit(name, payload, randomUUID(), undefined, traceHeader);
        },
      },
      metrics,
      logger,
    });
    stack.push({ name: 'destinations', stop: () => destinations.close() });

    const engine = createAsyncEngine({
      queue: state.asyncQueue,
      invoker: functions.invoker,
      functions: (name) => functions.asyncConfig(name),
      destinations: (address) => destinations.get(address),
      metrics,
      clock,
      logger, // the engine names itself (component: async)
      owner: instanceId,
      options: {
        retryDelaysMs: config.tuning.asyncRetryDelaysSeconds.map((s) => s * 1000),
        throttleBaseDelayMs: config.tuning.throttleBackoffSeconds.base * 1000,
        throttleMaxDelayMs: config.tuning.throttleBackoffSeconds.max * 1000,
        maxPayloadBytes: config.server.maxAsyncPayloadBytes,
        claimTtlMs: config.tuning.asyncClaimTtlSeconds * 1000,
      },
    });
    engineRef.current = engine;
    engine.start();
    const graceMs = config.server.shutdownGraceSeconds * 1000;
    stack.push({ name: 'async', stop: () => engine.stop(graceMs) });

    const mappingStates = new MappingStateBoard();
    for (const m of config.mappings) mappingStates.set(m.uuid, m.enabled ? 'Creating' : 'Disabled');
    const mappingDeps = {
      instances,
      invoker: functions.invoker,
      state: state.store,
      sharedState: state.shared,
      destinations,
      metrics,
      clock,
      logger,
      instanceId,
    };
    const supervisor = new MappingSupervisor(live, mappingDeps, mappingStates);
    // The config file's mappings and the API's (kept in the state store, picked up by every process).
    const catalog = new MappingCatalog({
      config: live,
      store: state.store.mappings,
      supervisor,
      board: mappingStates,
      logger,
      graceMs,
      tags: state.store.tags,
      sourceProblem: (m) => queueProblem(live, m, mappingDeps),
    });
    // #21: operator controls of stream shards, carried out by each shard's owner.
    const shardControl = new ShardControl({
      notes: state.store.notes,
      shared: state.shared,
      instanceId,
      mapping: (uuid) => supervisor.operable(uuid),
      mappings: () => supervisor.runningIds(),
      destination: (address) => destinations.get(address),
      logger,
    });
    // #21 redrive of failure destinations, run by the process that was asked.
    const redrivePlanDeps: RedrivePlanDeps = {
      config: live,
      instances,
      invoker: functions.invoker,
      hasFunction: (name) => functions.get(name) !== undefined,
      invokeAsync: (name, payload, requestId) => engine.submit(name, payload, requestId),
      destination: (address) => destinations.get(address),
      destinationProblem: (address) => apiDestinationProblem(live, address, 'dead-letter'),
      mappings: () => catalog.all(),
      metrics,
      logger,
    };
    const redrives = new RedriveTasks({
      notes: state.store.notes,
      leases: state.store.leases,
      instanceId,
      plan: (req) => redrivePlan(redrivePlanDeps, req),
      logger,
    });
    stack.push({ name: 'redrive', stop: () => redrives.stop() });
    const server = new HttpServer({
      host: config.server.host,
      port: config.server.port,
      ...(config.server.auth === undefined ? {} : { auth: { ...config.server.auth, region: config.region } }),
      readOnly: config.server.api.readOnly,
      allowedHosts: config.server.allowedHosts,
      allowedOrigins: config.server.allowedOrigins,
      maxBufferedBodyBytes: config.server.maxBufferedBodyBytes,
      logger,
      metrics,
      readiness: readinessProbe({ started: () => ready, store: state.store, mappings: () => supervisor.statuses() }),
      invoker: functions.invoker,
      unavailable: (name) => functionApi.unavailable(name),
      async: engine,
      maxSyncPayloadBytes: config.server.maxSyncPayloadBytes,
      maxAsyncPayloadBytes: config.server.maxAsyncPayloadBytes,
      memory: {
        sendToQueue: (q, body, groupId) => broker.queue(q).send(body, { groupId }),
        putToStream: (s, key, data) => broker.stream(s).put(key, data),
        peekQueue: (q, limit) => (broker.hasQueue(q) ? broker.queue(q).peek(limit) : undefined),
        peekStream: (s, limit) => (broker.hasStream(s) ? broker.stream(s).peek(limit) : undefined),
      },
      publicRoutes: uiRoutes(),
      extraRoutes: [
        ...eventInvokeConfigRoutes({
          functions,
          destinationProblem: (address, role) => apiDestinationProblem(live, address, role),
          allowedDestinations: ALLOWED_API_DESTINATIONS,
        }),
        ...eventSourceMappingRoutes(catalog),
        ...functionWriteRoutes({ functions: functionApi.api, readOnly: config.server.api.readOnly }),
        ...shardRoutes({
          known: (uuid) => catalog.list().some((m) => m.uuid === uuid),
          inspect: (uuid) => shardControl.inspect(uuid),
          send: (uuid, shardId, cmd) => shardControl.send(uuid, shardId, cmd),
          result: (uuid, id) => shardControl.result(uuid, id),
          destinationProblem: (address) => apiDestinationProblem(live, address, 'mapping-on-failure'),
        }),
        ...redriveRoutes({
          problem: (req) => redriveProblem(redrivePlanDeps, req),
          start: (req) => redrives.start(req),
          refusal: (err) => (err instanceof RedriveRefused ? err.status : undefined),
          get: (id) => redrives.get(id),
        }),
        ...patternSampleRoutes({
          sample: (uuid, request) => {
            const m = catalog.compiled(uuid);
            return m && samplePatterns(live, m, mappingDeps, request);
          },
          maxSample: MAX_SAMPLE,
        }),
        ...functionApiRoutes({
          config,
          functions,
          tags: state.store.tags,
          mappingExists: (uuid) => catalog.list().some((m) => m.uuid === uuid),
          startedMs: Date.now(),
          created: functionApi.created,
        }),
      ],
    });
    const address = await server.listen();
    stack.push({ name: 'http', stop: () => server.close() });
    logger.info({ host: address.address, port: address.port }, 'Invoke API listening');

    // Mappings whose source cannot be reached yet keep retrying in the background (see MappingSupervisor).
    stack.push({ name: 'mappings', stop: () => supervisor.stop(graceMs) });
    await supervisor.start();
    // Stopped before the supervisor: a change being applied finishes first.
    stack.push({ name: 'mapping API', stop: () => catalog.stop() });
    await catalog.start();
    shardControl.start();
    stack.push({ name: 'shard control', stop: () => shardControl.stop() });
    ready = true;
    const retrying = supervisor.statuses().filter((m) => m.state === 'retrying').length;
    logger.info(
      { functions: config.functions.size, mappings: supervisor.statuses().length - retrying, retrying },
      'sluice started',
    );

    let stopping: Promise<void> | undefined;
    const reloadTarget: ReloadTarget = {
      config,
      functions,
      supervisor,
      board: mappingStates,
      graceMs,
      logger,
    };
    let reloading = Promise.resolve();
    return {
      metrics,
      config,
      reload: (next) => (reloading = reloading.catch(() => undefined).then(() => applyConfig(reloadTarget, next))),
      reloadCode: (name) => reloadCode(reloadTarget, name),
      address: () => address,
      stop: (reason) =>
        (stopping ??= unwind(stack, logger, reason, () => (ready = false), Date.now() + graceMs + CLOSE_MARGIN_MS)),
    };
  } catch (err) {
    await unwind(stack, logger, 'start failed', () => (ready = false));
    throw err;
  }
}

/**
 * After the grace period, closing what is left may take this long; past it, a part that has not stopped (a
 * client waiting on a broker or state store that is down) is abandoned so that SIGTERM always ends the process.
 */
const CLOSE_MARGIN_MS = 3_000;
/** Even past the deadline, each remaining part gets this long (closing what still answers is quick). */
const LATE_PART_MS = 500;

async function unwind(
  stack: Array<{ name: string; stop: () => Promise<void> }>,
  logger: Logger,
  reason: string,
  notReady: () => void,
  deadlineMs = Number.POSITIVE_INFINITY,
): Promise<void> {
  notReady();
  logger.info({ reason }, 'sluice stopping');
  for (const part of [...stack].reverse()) {
    const stopped = part.stop().catch((err: unknown) => logger.error({ err, part: part.name }, 'error while stopping'));
    if (!(await settledWithin(stopped, Math.max(LATE_PART_MS, deadlineMs - Date.now()))))
      logger.error({ part: part.name }, 'did not stop before the shutdown deadline; abandoned');
  }
  logger.info({}, 'sluice stopped');
}

/** Config `memoryQueues` (SQS attribute names, seconds) as the memory broker takes it. */
function memoryQueueSettings(config: CompiledConfig): Record<string, MemoryQueueSettings> {
  return Object.fromEntries(
    Object.entries(config.memoryQueues).map(([name, q]) => [
      name,
      {
        visibilityTimeoutMs: q.VisibilityTimeout === undefined ? undefined : q.VisibilityTimeout * 1000,
        redrive: q.RedrivePolicy,
      },
    ]),
  );
}
