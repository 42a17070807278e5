import type { z } from 'zod';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Destination, QueueSource, StreamSource, StartPosition } from './sources.js';

export interface ConnectorContext {
  /** The named connection's settings, already validated by `connectionSchema` (endpoint, credentials, brokers...). */
  connection: Record<string, unknown>;
  region: string;
  accountId: string;
  logger: Logger;
  metrics: Metrics;
}

export interface StreamSourceOptions {
  mappingId: string;
  /** For metric labels only (sluice_offset_lag...). */
  functionName?: string;
  startingPosition: StartPosition;
  /** Kafka: consumer group; Redis: consumer group name. */
  consumerGroupId?: string;
  /** Several processes share this mapping's shards through the engine's leases (`state.type: redis`). */
  leased?: boolean;
  /** Kafka addressed by a cluster ARN (MSK, KAF-4): the mapping's `Topics` (exactly one). */
  topics?: string[];
}

/**
 * One definition per external system, listed in connectors/index.ts. Addresses are ARNs where the system
 * has them (arn:aws:sqs:...) and documented URIs otherwise (kafka://topic, redis://key, memory://name).
 */
export interface ConnectorDefinition {
  kind: string;
  /** Whether this connector serves an address (ARN or URI). */
  matches(address: string): boolean;
  /**
   * The settings of a connection of type `kind`, without `type` (the config adds it and refuses unknown keys): the
   * single truth for the config schema, its generated JSON Schema and what the connector reads.
   */
  connectionSchema?: z.ZodObject;
  /** Rules the schema cannot say (`"endpoint": "aws"` needs credentials), as [path, message] pairs. */
  connectionProblems?(connection: Record<string, unknown>): Array<[string, string]>;
  /** One connection of this kind, for the message of a config that has none. */
  connectionExample?: string;
  createQueueSource?(address: string, ctx: ConnectorContext): QueueSource;
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
