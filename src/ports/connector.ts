import type { z } from 'zod';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { FilterSource } from './filter-source.js';
import type { QueueSource } from './queue-source.js';
import type { Destination, StreamSource, StartPosition } from './sources.js';

export interface ConnectorContext {
  /** The named connection's settings, already validated by `connectionSchema` (endpoint, credentials, brokers...). */
  connection: Record<string, unknown>;
  region: string;
  accountId: string;
  logger: Logger;
  metrics: Metrics;
  /** The process-wide instance the app made for this connector, if any (the memory connector's broker). */
  instance?: unknown;
  /** This sluice's functions, for a destination that invokes one (a Lambda function ARN). */
  functions?: LocalFunctions;
}

/** What a destination may do with the functions of this sluice. */
export interface LocalFunctions {
  has(name: string): boolean;
  /** An asynchronous invocation (InvocationType Event): resolves once the event is stored durably. */
  invokeAsync(name: string, payload: Buffer, traceHeader?: string): Promise<void>;
}

/** The config's named connections, as a connector that picks its own for an address sees them. */
export interface NamedConnections {
  readonly all: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The connection of `type` for an address that names none: named after the type, or the only one (else none). */
  defaultOf(type: string): Record<string, unknown> | undefined;
}

/** What a connector may check of a destination a caller of the API sets (PutFunctionEventInvokeConfig). */
export interface ApiDestinationContext {
  region: string;
  accountId: string;
  connections: NamedConnections;
  /** Whether a function of this name is configured in this sluice. */
  hasFunction(name: string): boolean;
  /** The state store's key prefix (its keys are not destinations). */
  stateKeyPrefix: string;
}

export interface StreamSourceOptions {
  mappingId: string;
  /** For metric labels only (sluice_offset_lag...). */
  functionName?: string;
  startingPosition: StartPosition;
  /** Sources that keep positions in a consumer group (D-7): the group to read with. */
  consumerGroupId?: string;
  /** Several processes share this mapping's shards through the engine's leases (`state.type: redis`). */
  leased?: boolean;
  /** What the connector's `mappingFields.settings` made of the mapping's own fields; the engine passes it through. */
  settings?: unknown;
  /** Provisioned mode (PRV-3, PRV-10): the bounds of the source's pollers (Kafka: consumers in the group). */
  provisioned?: { minimumPollers: number; maximumPollers: number };
}

/** What a queue source learns of its mapping (the stream side's StreamSourceOptions). */
export interface QueueSourceOptions {
  mappingId: string;
  /** For metric labels and logs only. */
  functionName?: string;
  /** The mapping's BatchSize (a broker that pushes messages caps them with it: RabbitMQ's prefetch, DA-2). */
  batchSize: number;
  /** What the connector's `mappingFields.settings` made of the mapping's own fields (RabbitMQ's Queues...). */
  settings?: unknown;
}

/** The common CreateEventSourceMapping fields a source's own rules read, and its function's timeout. */
export interface MappingFields {
  /** As given: undefined when the connector's own fields name the source (`MappingFieldsDefinition.addressOf`). */
  EventSourceArn?: string;
  StartingPosition?: string;
  /** The on-failure destination's address. */
  onFailure?: string;
  BatchSize?: number;
  MaximumBatchingWindowInSeconds?: number;
  FunctionResponseTypes?: readonly string[];
  /** Undefined when the function is not (yet) known. */
  functionTimeoutMs?: number;
}

/** What the config and the engine learn of a source address from the connector that owns it. */
export interface SourceRules {
  /** queue: messages deleted one by one (SQS-like); stream: shards read in order from positions. */
  shape: 'queue' | 'stream';
  /**
   * CreateEventSourceMapping fields this source accepts beyond the common ones and its connector's `mappingFields`;
   * any other is refused.
   */
  fields: readonly string[];
  /** Lambda's defaults for this source (spec 1.2). */
  defaults: { batchSize: number; maxBatchingWindowMs: number };
  /** How filter patterns reach these records' data, when not the connector's own `filter` (memory's). */
  filter?: FilterSource;
  /** Whether it is reached through a named connection of type `kind` (memory needs none). */
  needsConnection: boolean;
  /** Sources that keep positions in a consumer group: the group of a mapping that names none (D-7). */
  defaultConsumerGroup?: (mappingId: string) => string;
  /** A FIFO queue (SQS-25: BatchSize 1-10, no batching window; one batch per message group at a time). */
  fifo?: boolean;
  /** P-1 / D-12: a BatchSize over this needs MaximumBatchingWindowInSeconds of at least 1 (SQS: 10; FIFO aside). */
  maxBatchSizeWithoutWindow?: number;
  /**
   * MaximumRetryAttempts of a mapping that sets none but has an on-failure destination (KAF-14: Kafka retries
   * forever by default, 10 times with a destination); else -1, infinite.
   */
  retryAttemptsWithOnFailure?: number;
  /**
   * Shards open AT_TIMESTAMP (DynamoDB's emulated) and positions live in the state store: a LATEST start is pinned to
   * the mapping's first start, so records that arrive while sluice is down are not skipped.
   */
  pinsLatestStart?: boolean;
  /** The problem of a mapping that names no way to reach the source (default "the source needs a connection"). */
  connectionHint?: string;
  /** Lambda's rules of this source for a mapping's fields, as [field path, message] pairs. */
  check?: (m: MappingFields) => Array<[string, string]>;
  /** An on-failure destination this source reaches through its own connection (a topic of its Kafka cluster). */
  ownsDestination?: (address: string) => boolean;
  /**
   * Queue sources: how many batches run at once. `scaled` (default): SQS's scaling (SQS-2..7); `fixed`: exactly that
   * many, never more or fewer (RMQ-15: one batch at a time).
   */
  concurrency?: 'scaled' | { fixed: number };
  /** PRV-1..4: this source's provisioned-mode ranges; absent, ProvisionedPollerConfig is refused (DA-5). */
  provisioned?: ProvisionedRules;
  /**
   * MET-1/MET-2: the MetricsConfig groups this source has (default EventCount only); an empty list refuses
   * MetricsConfig (DA-5: MQ).
   */
  metricGroups?: readonly string[];
  /**
   * The address is this connector's but sluice cannot read it (EFO-1: a Kinesis consumer ARN): the config and the API
   * refuse the mapping with this message, so it never fails at start.
   */
  unsupported?: string;
}

/** One poller bound of provisioned mode: its range and the default when unset (PRV-2, PRV-3). */
export interface PollerRange {
  min: number;
  max: number;
  default: number;
}

/** How a source takes ProvisionedPollerConfig (PRV-1..4) and the settings only provisioned mode allows. */
export interface ProvisionedRules {
  minimumPollers: PollerRange;
  maximumPollers: PollerRange;
  /** PRV-4: PollerGroupName is accepted (Kafka); else refused (DA-5). */
  pollerGroups: boolean;
  /** MET-9: LoggingConfig is accepted in provisioned mode (Kafka); else refused (DA-5). */
  systemLogLevel: boolean;
  /**
   * PRV-12 (Kafka): retry, record age, bisect, ReportBatchItemFailures and an on-failure destination the source owns
   * need provisioned mode; `onlyProvisioned` names the source's own fields that need it too (SR-2).
   */
  errorControls?: { onlyProvisioned(m: Readonly<Record<string, unknown>>): string[] };
}

/** The fields of Lambda's stream sources (Kinesis, DynamoDB Streams; Redis and memory streams alike). */
export const STREAM_MAPPING_FIELDS = [
  'StartingPosition',
  'StartingPositionTimestamp',
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'MaximumRecordAgeInSeconds',
  'ParallelizationFactor',
  'TumblingWindowInSeconds',
  'DestinationConfig',
] as const;

/** SQS-like queues: BatchSize 10, no window (spec 1.2). */
export const QUEUE_SOURCE: SourceRules = {
  shape: 'queue',
  fields: ['ScalingConfig'],
  defaults: { batchSize: 10, maxBatchingWindowMs: 0 },
  maxBatchSizeWithoutWindow: 10,
  needsConnection: true,
};

/** Kinesis-like streams: BatchSize 100, no window (spec 1.2). */
export const STREAM_SOURCE: SourceRules = {
  shape: 'stream',
  fields: STREAM_MAPPING_FIELDS,
  defaults: { batchSize: 100, maxBatchingWindowMs: 0 },
  needsConnection: true,
  pinsLatestStart: true,
};

/** The values a mapping gives to a connector's own fields (every one optional: a field may be left out). */
export type MappingFieldValues<Shape extends z.ZodRawShape> = Partial<z.output<z.ZodObject<Shape>>>;

/**
 * CreateEventSourceMapping fields of a connector's own (Kafka: Topics, SelfManagedEventSource...): their schema, which
 * the config adds to the common fields, and what they mean for the connector. `S` is the connector's own settings,
 * which the engine passes through untouched to `createStreamSource` / `createQueueSource` (options.settings).
 */
export interface MappingFieldsDefinition<Shape extends z.ZodRawShape = z.ZodRawShape, S = unknown> {
  /** The fields, each optional; any of them on a mapping of another connector's source is refused. */
  shape: Shape;
  /** Without EventSourceArn: the address these fields name (self-managed Kafka's Topics), if they name one. */
  addressOf?(fields: MappingFieldValues<Shape>): string | undefined;
  /** How a mapping names the source through these fields, for the message of a mapping that names none. */
  addressHint?: string;
  /** Lambda's rules for these fields, as [field path, message] pairs (`m` has the common fields). */
  check?(fields: MappingFieldValues<Shape>, m: MappingFields): Array<[string, string]>;
  /**
   * What within the address the mapping reads, when the fields say it (a queue on a broker ARN): part of the mapping's
   * identity, so two mappings of one function on one broker are two mappings.
   */
  sourceNameOf?(settings: S): string | undefined;
  /** The consumer group the fields name: part of the mapping's identity; else the source's `defaultConsumerGroup`. */
  consumerGroupOf?(fields: MappingFieldValues<Shape>): string | undefined;
  /** The connector's settings of a mapping (checked first) at `address`. */
  settings(fields: MappingFieldValues<Shape>, address: string): S;
  /**
   * Connection settings a mapping gives itself (self-managed Kafka's bootstrap servers): it then needs no named
   * connection, and a named one's settings win over these.
   */
  connectionOf?(settings: S): Record<string, unknown> | undefined;
  /** The fields as Lambda's GetEventSourceMapping answers them, with the consumer group the mapping reads with. */
  render(settings: S, consumerGroupId: string | undefined): Record<string, unknown>;
  /** Rules across all the config's mappings of this connector (KAF-5: one consumer group each), as [path, message]. */
  checkAll?(mappings: ReadonlyArray<CompiledMappingOf<S>>): Array<[string, string]>;
}

/** Where a destination is used: a mapping's OnFailure, an async OnSuccess/OnFailure, a function's DLQ. */
export type DestinationRole = 'mapping-on-failure' | 'async-on-success' | 'async-on-failure' | 'dead-letter';

/** One compiled mapping of a connector, as its `checkAll` sees it. */
export interface CompiledMappingOf<S> {
  /** Its place in the file (`eventSourceMappings[3]`), which problem paths start with. */
  at: string;
  address: string;
  consumerGroupId?: string;
  settings: S;
}

/**
 * A connector's typed fields as the registry holds them (its methods take the erased types). Sound because the config
 * parses a mapping with `shape` before it calls the others, and the engine hands back only what `settings` returned.
 */
export function mappingFields<Shape extends z.ZodRawShape, S>(
  def: MappingFieldsDefinition<Shape, S>,
): MappingFieldsDefinition {
  return def;
}

/**
 * One definition per external system, listed in connectors/index.ts. Addresses are ARNs where the system
 * has them (arn:aws:sqs:...) and documented URIs otherwise (kafka://topic, redis://key, memory://name).
 */
export interface ConnectorDefinition {
  kind: string;
  /** Whether this connector serves an address (ARN or URI). */
  matches(address: string): boolean;
  /** The rules of the source at an address this connector owns; undefined when it reads none there. */
  sourceAt?(address: string): SourceRules | undefined;
  /** How filter patterns reach its records' data (FLT-8..10); none: records are matched as they are. */
  filter?: FilterSource;
  /** Whether it can deliver to an address (async destinations, DLQs, stream on-failure). */
  isDestination?(address: string): boolean;
  /**
   * The settings of a connection of type `kind`, without `type` (the config adds it and refuses unknown keys): the
   * single truth for the config schema, its generated JSON Schema and what the connector reads.
   */
  connectionSchema?: z.ZodObject;
  /** Rules the schema cannot say (`"endpoint": "aws"` needs credentials), as [path, message] pairs. */
  connectionProblems?(connection: Record<string, unknown>): Array<[string, string]>;
  /** One connection of this kind, for the message of a config that has none. */
  connectionExample?: string;
  /** The source addresses it reads, for the message of a mapping whose source no connector reads. */
  sourceHint?: string;
  /** The destinations it delivers to, for the message of a refused API-set destination. */
  destinationHint?: string;
  /** CreateEventSourceMapping fields of this connector's own, beyond the common ones its sources' `fields` list. */
  mappingFields?: MappingFieldsDefinition;
  /** `options` is what the app knows of the mapping; SQS and memory queues need none of it. */
  createQueueSource?(address: string, ctx: ConnectorContext, options?: QueueSourceOptions): QueueSource;
  createStreamSource?(address: string, options: StreamSourceOptions, ctx: ConnectorContext): StreamSource;
  /**
   * Sources that keep positions themselves (Kafka offsets, Redis consumer groups): the first of `groupIds` that
   * already holds positions for this address, if any. Lets a mapping whose identity changed keep its old group.
   */
  findStoredPositions?(
    address: string,
    options: StreamSourceOptions,
    groupIds: readonly string[],
    ctx: ConnectorContext,
  ): Promise<string | undefined>;
  createDestination?(address: string, ctx: ConnectorContext): Destination;
  /** Why it may not deliver in `role` (S3 is on-failure only, EventBridge async only), or undefined when it may. */
  destinationRoleProblem?(role: DestinationRole): string | undefined;
  /**
   * Destinations that pick their connection by address instead of the default of their type, and work without one
   * (http: the connection whose baseUrl covers the URL; lambda: one for a function not in this sluice).
   */
  destinationConnection?(address: string, connections: NamedConnections): Record<string, unknown> | undefined;
  /** Why the config file may not name `address` as a destination, or undefined when it may. */
  configDestinationProblem?(address: string, connections: NamedConnections): string | undefined;
  /**
   * Why a caller of the API may not set `address` (one of this connector's) as a destination, or undefined when it
   * may: a broker's internal addresses (Kafka's `__` topics), sluice's own state (keys under the state `keyPrefix`),
   * a function not of this sluice, a URL outside every http connection's baseUrl.
   */
  apiDestinationProblem?(address: string, ctx: ApiDestinationContext): string | undefined;
}

/** A connection's settings as its connector's schema reads them (`type` aside); throws with every problem. */
export function parseConnection<S extends z.ZodObject>(
  schema: S,
  kind: string,
  connection: Record<string, unknown>,
): z.output<S> {
  const { type: _type, ...settings } = connection;
  const parsed = schema.safeParse(settings);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`.trim());
  throw new Error(`invalid ${kind} connection: ${problems.join('; ')}`);
}
