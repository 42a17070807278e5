// A serverless.yml as a sluice config: functions (provider defaults applied) with their sqs, stream, kafka, msk and
// rabbitmq events as mappings and `destinations` as async settings; queues, streams and tables of
// `resources.Resources` for --create-resources. Everything else is listed as a note with its path.
import path from 'node:path';
import { destinationResource, queueResource, resourceKinds, streamResource, tableResource } from './cfn-resources.js';
import { destinationAddress, type DestinationRole } from './destinations.js';
import type { SluiceMapping } from './events.js';
import type { SluiceFunction } from './function.js';
import { buildConfig } from './output.js';
import { expand } from './serverless-vars.js';
import { Stack } from './stack.js';
import {
  isRecord,
  text,
  type ImportNote,
  type ImportOptions,
  type ImportResult,
  type TemplateResources,
} from './types.js';

const QUIET_TOP = new Set([
  'service',
  'frameworkVersion',
  'provider',
  'functions',
  'custom',
  'resources',
  'package',
  'useDotenv',
  'configValidationMode',
]);
const PROVIDER = new Set(['name', 'runtime', 'stage', 'region', 'timeout', 'memorySize', 'environment']);
const QUIET_FN = new Set(['handler', 'runtime', 'name', 'description', 'events', 'package', 'tags']);

/** Fields of the event objects with the mapping field they become. */
const EVENT_FIELDS: Record<string, string> = {
  arn: 'EventSourceArn',
  batchSize: 'BatchSize',
  maximumBatchingWindow: 'MaximumBatchingWindowInSeconds',
  batchWindow: 'MaximumBatchingWindowInSeconds',
  startingPosition: 'StartingPosition',
  startingPositionTimestamp: 'StartingPositionTimestamp',
  maximumRetryAttempts: 'MaximumRetryAttempts',
  maximumRecordAgeInSeconds: 'MaximumRecordAgeInSeconds',
  bisectBatchOnFunctionError: 'BisectBatchOnFunctionError',
  parallelizationFactor: 'ParallelizationFactor',
  tumblingWindowInSeconds: 'TumblingWindowInSeconds',
  enabled: 'Enabled',
};

const MAPPING_EVENTS = new Set(['sqs', 'stream', 'kafka', 'msk', 'rabbitmq']);

function arnOf(v: unknown): unknown {
  return isRecord(v) && 'arn' in v ? v.arn : v;
}

function translateEvent(
  fn: string,
  kind: string,
  raw: unknown,
  at: string,
  notes: ImportNote[],
): SluiceMapping | undefined {
  const e: Record<string, unknown> = isRecord(raw) ? raw : { arn: raw };
  const m: SluiceMapping = { FunctionName: fn };
  for (const [k, v] of Object.entries(e)) {
    if (v === undefined) continue;
    const field = EVENT_FIELDS[k];
    if (field !== undefined) m[field] = v;
    else if (k === 'type' && kind === 'stream') continue;
    else if (k === 'functionResponseType') m.FunctionResponseTypes = [v];
    else if (k === 'maximumConcurrency') m.ScalingConfig = { MaximumConcurrency: v };
    else if (k === 'filterPatterns' && Array.isArray(v))
      m.FilterCriteria = { Filters: v.map((p) => ({ Pattern: typeof p === 'string' ? p : JSON.stringify(p) })) };
    else if (k === 'topic') m.Topics = [v];
    else if (k === 'bootstrapServers') m.SelfManagedEventSource = { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: v } };
    else if (k === 'consumerGroupId') m.SelfManagedKafkaEventSourceConfig = { ConsumerGroupId: v };
    else if (k === 'queue') m.Queues = [v];
    else if (k === 'virtualHost') m.SourceAccessConfigurations = [{ Type: 'VIRTUAL_HOST', URI: v }];
    else if (k === 'destinations' && isRecord(v)) {
      const d = destinationAddress(arnOf(v.onFailure), `${at}.destinations.onFailure`, notes, 'mapping-failure');
      if (d !== undefined) m.DestinationConfig = { OnFailure: { Destination: d } };
      for (const other of Object.keys(v).filter((x) => x !== 'onFailure'))
        notes.push({ path: `${at}.destinations.${other}`, message: 'sluice mappings deliver onFailure only' });
    } else if (k === 'basicAuthArn' || k === 'accessConfigurations')
      notes.push({ path: `${at}.${k}`, message: 'credentials come from the sluice connection' });
    else notes.push({ path: `${at}.${k}`, message: 'not used by sluice' });
  }
  // The Serverless Framework's default for stream and Kafka events.
  if (kind !== 'sqs' && kind !== 'rabbitmq') m.StartingPosition ??= 'TRIM_HORIZON';
  if (m.EventSourceArn === undefined && m.SelfManagedEventSource === undefined) {
    notes.push({ path: at, message: 'no source (arn or bootstrapServers): mapping left out' });
    return undefined;
  }
  return m;
}

/** onSuccess/onFailure: an ARN, or the name of a function of this service. */
function destination(
  v: unknown,
  functions: string[],
  o: ImportOptions,
  at: string,
  notes: ImportNote[],
  role: DestinationRole,
): string | undefined {
  const target = arnOf(v);
  if (typeof target === 'string' && functions.includes(target))
    return `arn:aws:lambda:${o.region}:${o.accountId}:function:${target}`;
  return destinationAddress(target, at, notes, role);
}

function translateFunction(
  name: string,
  f: Record<string, unknown>,
  provider: Record<string, unknown>,
  ctx: { o: ImportOptions; notes: ImportNote[]; names: string[] },
): SluiceFunction {
  const at = `functions.${name}`;
  const { o, notes } = ctx;
  const handler = String(f.handler);
  const fn: SluiceFunction = {
    Runtime: 'nodejs',
    Handler: handler,
    CodeUri: path.relative(o.configDir, o.templateDir) || '.',
  };
  const runtime = f.runtime ?? provider.runtime;
  if (runtime !== undefined && !/^nodejs/.test(text(runtime)))
    notes.push({ path: `${at}.runtime`, message: `${text(runtime)}: sluice runs Node.js handlers; kept as nodejs` });
  const timeout = f.timeout ?? provider.timeout;
  const memory = f.memorySize ?? provider.memorySize;
  if (timeout !== undefined) fn.Timeout = Number(timeout);
  if (memory !== undefined) fn.MemorySize = Number(memory);
  const env = {
    ...(isRecord(provider.environment) ? provider.environment : {}),
    ...(isRecord(f.environment) ? f.environment : {}),
  };
  if (Object.keys(env).length > 0)
    fn.Environment = { Variables: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) };
  const invoke: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (k === 'reservedConcurrency') fn.ReservedConcurrentExecutions = Number(v);
    else if (k === 'maximumRetryAttempts') invoke.MaximumRetryAttempts = Number(v);
    else if (k === 'maximumEventAge') invoke.MaximumEventAgeInSeconds = Number(v);
    else if (k === 'destinations' && isRecord(v)) {
      const dc: Record<string, unknown> = {};
      for (const [key, field] of [
        ['onSuccess', 'OnSuccess'],
        ['onFailure', 'OnFailure'],
      ] as const) {
        const d =
          v[key] === undefined
            ? undefined
            : destination(
                v[key],
                ctx.names,
                o,
                `${at}.destinations.${key}`,
                notes,
                key === 'onSuccess' ? 'async-success' : 'async-failure',
              );
        if (d !== undefined) dc[field] = { Destination: d };
      }
      if (Object.keys(dc).length > 0) invoke.DestinationConfig = dc;
    } else if (!QUIET_FN.has(k) && !['timeout', 'memorySize', 'environment'].includes(k))
      notes.push({ path: `${at}.${k}`, message: 'not used by sluice' });
  }
  if (Object.keys(invoke).length > 0) fn.EventInvokeConfig = invoke;
  return fn;
}

export function importServerless(doc: Record<string, unknown>, o: ImportOptions): ImportResult {
  const notes: ImportNote[] = [];
  const stage = o.options?.stage;
  const expanded = expand(doc, {
    doc,
    options: o.options ?? {},
    region: o.region,
    accountId: o.accountId,
    notes,
  }) as Record<string, unknown>;
  const provider = isRecord(expanded.provider) ? expanded.provider : {};
  const cfn = isRecord(expanded.resources) ? expanded.resources : {};
  const stackName = `${text(expanded.service)}-${text(stage ?? provider.stage ?? 'dev')}`;
  const stack = new Stack(cfn, { ...o, stackName }, 'resources.');
  for (const k of Object.keys(expanded)) if (!QUIET_TOP.has(k)) notes.push({ path: k, message: 'not used by sluice' });
  if (provider.region !== undefined && provider.region !== o.region)
    notes.push({ path: 'provider.region', message: `ARNs use --region ${o.region}` });
  for (const k of Object.keys(provider))
    if (!PROVIDER.has(k)) notes.push({ path: `provider.${k}`, message: 'not used by sluice' });

  const resources: TemplateResources = { queues: [], streams: [], tables: [], topics: [], destinations: [] };
  for (const id of Object.keys(stack.resources)) {
    const type = stack.typeOf(id);
    if (type === 'AWS::SQS::Queue') resources.queues.push(queueResource(stack, id, notes));
    else if (type === 'AWS::Kinesis::Stream') resources.streams.push(streamResource(stack, id, notes));
    else if (type === 'AWS::DynamoDB::Table') resources.tables.push(tableResource(stack, id, notes));
    else {
      const d = destinationResource(stack, id);
      if (d !== undefined) resources.destinations.push(d);
      else notes.push({ path: stack.at(id), message: `${type ?? '(no Type)'} is not translated` });
    }
  }

  // Destinations and event ARNs may be CloudFormation intrinsics naming `resources`.
  const fns = isRecord(expanded.functions)
    ? (stack.resolver.resolve(expanded.functions, 'functions') as Record<string, unknown>)
    : {};
  const names = Object.keys(fns);
  const functions: Record<string, SluiceFunction> = {};
  const mappings: SluiceMapping[] = [];
  for (const [name, raw] of Object.entries(fns)) {
    if (!isRecord(raw)) continue;
    functions[name] = translateFunction(name, raw, provider, { o, notes, names });
    const events = Array.isArray(raw.events) ? (raw.events as unknown[]) : [];
    events.forEach((ev, i) => {
      const at = `functions.${name}.events[${i}]`;
      const [kind, body] = isRecord(ev) ? (Object.entries(ev)[0] ?? ['', undefined]) : ['', undefined];
      if (!MAPPING_EVENTS.has(kind)) {
        notes.push({ path: at, message: `${kind || 'this'} event is not an event source mapping: not translated` });
        return;
      }
      const m = translateEvent(name, kind, body, `${at}.${kind}`, notes);
      if (m !== undefined) mappings.push(m);
      for (const t of Array.isArray(m?.Topics) ? (m.Topics as unknown[]) : [])
        if (typeof t === 'string' && !resources.topics.some((r) => r.name === t)) resources.topics.push({ name: t });
    });
  }
  const config = buildConfig(functions, mappings, o, resourceKinds(resources));
  return { config, notes: [...stack.resolver.notes, ...notes], resources };
}
