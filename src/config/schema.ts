// The single source of truth for sluice's configuration: TypeScript types, validation, defaults and the
// generated config/sluice.schema.json all come from here. Mapping objects use the field names, ranges and
// defaults of Lambda's CreateEventSourceMapping; function async settings use PutFunctionEventInvokeConfig's.
// Defaults that depend on the source kind (BatchSize, batching window) are applied in compile.ts.
import { z } from 'zod';
import { connectors } from '../../connectors/index.js';
import { MAX_TIMER_MS } from '../ports/clock.js';
import { functionSchema } from './function-schema.js';
import { destination, int, MAX_TIMER_SECONDS, seconds } from './schema-kit.js';

export { MAX_TIMER_MS } from '../ports/clock.js';

// The connection of each connector comes from its definition (lambda: the lambda runtime's too).
const connectionOptions = connectors.flatMap((c) =>
  c.connectionSchema === undefined ? [] : [z.object({ type: z.literal(c.kind), ...c.connectionSchema.shape }).strict()],
);

// Each option is a strict object with a literal `type`, which is what `Connection` says.
export const connectionSchema = z.discriminatedUnion(
  'type',
  connectionOptions as [(typeof connectionOptions)[number], ...typeof connectionOptions],
) as unknown as z.ZodType<Connection>;

const filterCriteria = z.object({ Filters: z.array(z.object({ Pattern: z.string() }).strict()).default([]) }).strict();

/** Fields every mapping may have; each connector adds its own (`mappingFields`). */
const commonMappingShape = {
  UUID: z
    .uuid()
    .optional()
    .describe('Stable id; default derived from FunctionName, source and ConsumerGroupId, never from the position.'),
  FunctionName: z.string().min(1),
  EventSourceArn: z
    .string()
    .optional()
    .describe('ARN (SQS, Kinesis, DynamoDB stream) or URI (memory://queue/x, memory://stream/x, redis://key).'),
  Connection: z
    .string()
    .optional()
    .describe(
      'Name of the connection in `connections` used to reach the source; default the one named after its type, or the only one of that type.',
    ),
  Enabled: z.boolean().default(true),
  BatchSize: int().min(1).max(10000).optional().describe('Default 10 for SQS, 100 for streams and Kafka.'),
  MaximumBatchingWindowInSeconds: int().min(0).max(300).optional(),
  StartingPosition: z.enum(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP']).optional(),
  StartingPositionTimestamp: z.number().optional().describe('Unix seconds, with AT_TIMESTAMP.'),
  FilterCriteria: filterCriteria.optional(),
  FunctionResponseTypes: z.array(z.literal('ReportBatchItemFailures')).max(1).optional(),
  BisectBatchOnFunctionError: z.boolean().optional(),
  MaximumRetryAttempts: int().min(-1).max(10000).optional(),
  MaximumRecordAgeInSeconds: int().min(-1).max(604800).optional(),
  ParallelizationFactor: int().min(1).max(10).optional(),
  TumblingWindowInSeconds: int().min(0).max(900).optional(),
  DestinationConfig: z
    .object({ OnFailure: destination.optional(), OnSuccess: destination.optional() })
    .strict()
    .optional(),
  ScalingConfig: z
    .object({ MaximumConcurrency: int().min(2).max(1000).optional() })
    .strict()
    .optional(),
  // ESMAPI-9: accepted, kept and shown by the API; sluice does not act on them (a warning says so).
  KMSKeyArn: z.string().min(1).optional().describe('Accepted and shown; sluice does not encrypt filter criteria.'),
  MetricsConfig: z
    .object({ Metrics: z.array(z.enum(['EventCount', 'ErrorCount', 'KafkaMetrics'])).max(3) })
    .strict()
    .optional()
    .describe('Accepted and shown; sluice always exports its own metrics on /metrics.'),
  LoggingConfig: z
    .object({ SystemLogLevel: z.enum(['DEBUG', 'INFO', 'WARN']).optional() })
    .strict()
    .optional()
    .describe("Kafka mappings in provisioned mode: the level of sluice's own logs for this mapping (MET-9)."),
  ProvisionedPollerConfig: z
    .object({
      MinimumPollers: int().min(1).max(200).optional(),
      MaximumPollers: int().min(1).max(10000).optional(),
      PollerGroupName: z
        .string()
        .max(128)
        .regex(/^[a-zA-Z0-9_-]*$/)
        .optional(),
    })
    .strict()
    .optional()
    .describe('Provisioned mode (SQS, Kafka): pollers between MinimumPollers and MaximumPollers; {} turns it off.'),
  Tags: z
    .record(z.string(), z.string())
    .optional()
    .describe('Accepted at create; not shown (ESMAPI-9: no Tags member).'),
  DocumentDBEventSourceConfig: z
    .object({
      DatabaseName: z.string().min(1).optional(),
      CollectionName: z.string().min(1).optional(),
      FullDocument: z.enum(['UpdateLookup', 'Default']).optional(),
    })
    .strict()
    .optional()
    .describe('Accepted and shown; sluice has no DocumentDB source.'),
};

/** Every connector's own mapping fields, after the common ones; a field has one home (one connector's schema). */
function connectorMappingShape(): z.ZodRawShape {
  const shape: Record<string, z.core.$ZodType> = {};
  for (const c of connectors)
    for (const [key, field] of Object.entries(c.mappingFields?.shape ?? {})) {
      if (key in commonMappingShape || (key in shape && shape[key] !== field))
        throw new Error(`mapping field ${key} of connector ${c.kind} is declared elsewhere too`);
      shape[key] = field;
    }
  return shape;
}

export const mappingSchema = z.object({ ...commonMappingShape, ...connectorMappingShape() }).strict();

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    region: z.string().default('us-east-1').describe('Region used in ARNs and event records.'),
    accountId: z
      .string()
      .regex(/^\d{12}$/)
      .default('000000000000'),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: int().min(0).max(65535).default(9001),
        auth: z
          .object({
            bearerTokens: z.array(z.string().min(16)).min(1).optional().describe('Authorization: Bearer <token>.'),
            accessKeys: z
              .array(
                z
                  .object({
                    accessKeyId: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'letters, digits and . _ - only'),
                    secretAccessKey: z.string().min(16).describe('Use ${env:NAME} to keep it out of the file.'),
                    sessionToken: z
                      .string()
                      .min(1)
                      .optional()
                      .describe('When set, requests must carry it (X-Amz-Security-Token).'),
                  })
                  .strict(),
              )
              .min(1)
              .refine(
                (keys) => new Set(keys.map((k) => k.accessKeyId)).size === keys.length,
                'accessKeyId must be unique',
              )
              .optional()
              .describe('SigV4-signed requests (AWS CLI, SDKs) are verified against these keys (AUTH-n).'),
            anyRegion: z
              .boolean()
              .default(false)
              .describe('Accept signatures scoped to any region, not only the configured region (OPEN-18).'),
            maxSkewSeconds: int()
              .min(1)
              .max(3600)
              .default(300)
              .describe('Allowed difference between X-Amz-Date and the server clock (AUTH-6, OPEN-14).'),
          })
          .strict()
          .refine((a) => a.bearerTokens !== undefined || a.accessKeys !== undefined, {
            message: 'set bearerTokens, accessKeys or both',
          })
          .optional()
          .describe('Required when host is not a loopback address; either kind of credential authenticates.'),
        maxSyncPayloadBytes: int()
          .min(1)
          .default(6 * 1024 * 1024),
        maxAsyncPayloadBytes: int()
          .min(1)
          .default(1024 * 1024)
          .describe('D-9.'),
        shutdownGraceSeconds: seconds().default(30),
        allowedHosts: z
          .array(z.string().regex(/^[A-Za-z0-9.*-]+$/, 'a host name; * matches any run of name characters'))
          .default([])
          .describe(
            'Host names accepted in the Host header besides loopback names and the bound address (DNS rebinding); * matches any run of name characters (sluice.*.svc).',
          ),
        allowedOrigins: z
          .array(z.string().regex(/^https?:\/\/[^/]+$/, 'an origin: scheme://host[:port]'))
          .default([])
          .describe('Browser origins allowed to call the API (Origin header); none by default.'),
        api: z
          .object({
            readOnly: z
              .boolean()
              .default(false)
              .describe(
                'Refuse every API call that changes configuration (all methods but GET) with 403 AccessDeniedException; Invoke stays allowed.',
              ),
          })
          .strict()
          .prefault({}),
        workers: int()
          .min(1)
          .max(256)
          .optional()
          .describe(
            'Processes on this machine, one HTTP port (sluice start --workers overrides it). Default: one per core when state.type is redis, else 1.',
          ),
        maxBufferedBodyBytes: int()
          .min(1024 * 1024)
          .default(64 * 1024 * 1024)
          .describe('Request body bytes buffered at once across all requests; beyond it 429 TooManyRequestsException.'),
      })
      .strict()
      .prefault({}),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    state: z
      .object({
        type: z.enum(['memory', 'redis']).default('memory'),
        connection: z.string().optional(),
        keyPrefix: z
          .string()
          .regex(/^[\w.:-]+$/, 'letters, digits and . _ : - only')
          .default('sluice')
          .describe('Prefix of every Redis key sluice writes (checkpoints, leases, async queue): one per deployment.'),
      })
      .strict()
      .prefault({}),
    concurrency: z
      .object({
        accountLimit: int().min(1).default(1000).describe('CON-1.'),
        requestsPerSecondPerConcurrency: int()
          .min(0)
          .default(10)
          .describe('CON-1: invocations per second = this × concurrency (account, and reserved functions); 0 = off.'),
      })
      .strict()
      .prefault({}),
    runtimes: z
      .object({
        nodejs: z
          .object({
            isolation: z
              .enum(['process', 'worker'])
              .default('process')
              .describe('Default Isolation of nodejs functions.'),
            memoryBudgetMb: int()
              .min(128)
              .default(768)
              .describe(
                'Sum of MemorySize of all live nodejs environments (default fits a 1 GB container with the service).',
              ),
            maxEnvironmentsPerFunction: int().min(1).default(8).describe('Execution environments per function.'),
            queueTimeoutMs: int()
              .min(0)
              .default(1000)
              .describe(
                'How long an invocation waits for a free environment before a 429 (CON-5), counted once the ' +
                  "function's starting environments are up.",
              ),
            idleTimeoutSeconds: int().min(1).default(300).describe('Idle environments are reaped after this long.'),
            pressureFreeMb: int()
              .min(0)
              .default(256)
              .describe('Below this much available host memory, idle environments are reaped at once.'),
          })
          .strict()
          .prefault({})
          .describe('Also bounds provided.* and python3.x environments: one budget for every environment.'),
        python: z
          .object({
            interpreter: z
              .string()
              .min(1)
              .default('python3')
              .describe("A Python with awslambdaric installed (a venv's bin/python) for python3.x functions."),
          })
          .strict()
          .prefault({}),
        java: z
          .object({
            command: z.string().min(1).default('java').describe('The java executable for java21/java17 functions.'),
            classpath: z
              .string()
              .min(1)
              .optional()
              .describe(
                "A directory of the Java runtime interface client's jars (aws-lambda-java-runtime-interface-client " +
                  'and its dependencies, from Maven Central); required for java21/java17 functions.',
              ),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        maxFiltersPerMapping: int().min(1).max(10).default(5).describe('P-11.'),
        memorySources: z
          .object({
            maxRecords: int().min(1).default(100_000),
            maxBytes: int()
              .min(1024)
              .default(64 * 1024 * 1024),
          })
          .strict()
          .prefault({})
          .describe('Cap over all memory:// queues and streams together; a full broker answers 429.'),
      })
      .strict()
      .prefault({}),
    tuning: z
      .object({
        asyncRetryDelaysSeconds: z.array(seconds()).length(2).default([60, 120]).describe('ASY-5, D-13.'),
        throttleBackoffSeconds: z
          .object({ base: seconds().default(1), max: seconds().default(300) })
          .strict()
          .prefault({})
          .describe('ASY-6, STR-12.'),
        asyncClaimTtlSeconds: seconds()
          .min(1)
          .default(60)
          .describe('How long a crashed process keeps its claimed async events before another process runs them.'),
        streamPollIntervalMs: int()
          .min(0)
          .max(MAX_TIMER_MS)
          .optional()
          .describe("STR-1/3 idle cadence per shard, D-13 (default: the source's, Kinesis 1000, DynamoDB 250)."),
        streamLeaseTtlSeconds: seconds()
          .min(1)
          .default(30)
          .describe(
            'Shard lease lifetime (state redis): how long a crashed process keeps its shards before others take them.',
          ),
        sqsScaling: z
          .object({
            initial: int().min(1).default(5),
            addPerMinute: int().min(1).default(300),
            max: int().min(1).default(1250),
            provisionedAddPerMinute: int().min(1).default(1000).describe('PRV-9: pollers added per minute.'),
          })
          .strict()
          .prefault({})
          .describe('D-10.'),
        memoryQueueVisibilitySeconds: int().min(0).max(MAX_TIMER_SECONDS).default(30),
        functionStateDelayMs: int()
          .min(0)
          .max(60_000)
          .default(0)
          .describe('OPEN-2: how long an API-created or updated function stays Pending/InProgress before it settles.'),
        functionSyncIntervalMs: int()
          .min(100)
          .max(MAX_TIMER_MS)
          .default(1000)
          .describe('How often an instance checks the state store for functions created over the API elsewhere.'),
        functionCodeStorageMb: int()
          .min(1)
          .default(1024)
          .describe(
            'Zip bytes of API-created functions the state store keeps in all; beyond it CodeStorageExceededException.',
          ),
      })
      .strict()
      .prefault({}),
    memoryQueues: z
      .record(
        z.string().regex(/^[A-Za-z0-9_.-]+$/),
        z
          .object({
            VisibilityTimeout: int().min(0).max(43_200).optional().describe('Seconds (SQS: 0–43200).'),
            RedrivePolicy: z
              .object({
                deadLetterTargetArn: z
                  .string()
                  .regex(/^memory:\/\/queue\/[A-Za-z0-9_.-]+$/, 'a memory queue, memory://queue/<name>'),
                maxReceiveCount: int().min(1).max(1000),
              })
              .strict()
              .optional()
              .describe("SQS's: after maxReceiveCount receives a message moves to the dead-letter queue."),
          })
          .strict(),
      )
      .default({})
      .describe('Attributes of memory://queue/<name> queues, with SQS names (a queue not listed gets the defaults).'),
    connections: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), connectionSchema).default({}),
    functions: z.record(z.string().regex(/^[a-zA-Z0-9-_]{1,64}$/), functionSchema).default({}),
    eventSourceMappings: z.array(mappingSchema).default([]),
  })
  .strict();

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type ParsedFunction = z.output<typeof functionSchema>;
/** A mapping's common fields, typed, and its connector's own (`mappingFields`), which only the connector reads. */
export type ParsedMapping = z.output<typeof mappingSchema> & { readonly [field: string]: unknown };
/** A named connection: `type` is a connector's kind (its settings are that connector's schema's). */
export type Connection = { type: string } & Record<string, unknown>;
