// What an import produces besides the config: notes on what was not translated (with the template path), and the
// resources the template declares, which --create-resources creates on local servers.

/** Something of the template sluice did not translate, or translated with a caveat; never dropped silently. */
export interface ImportNote {
  path: string;
  message: string;
}

export interface QueueResource {
  logicalId: string;
  name: string;
  arn: string;
  fifo: boolean;
  /** SQS attributes as CreateQueue takes them (RedrivePolicy as JSON text). */
  attributes: Record<string, string>;
}

export interface StreamResource {
  logicalId: string;
  name: string;
  arn: string;
  shardCount: number;
}

export interface TableResource {
  logicalId: string;
  name: string;
  arn: string;
  keySchema: Array<{ AttributeName: string; KeyType: 'HASH' | 'RANGE' }>;
  attributes: Array<{ AttributeName: string; AttributeType: 'S' | 'N' | 'B' }>;
  /** Undefined: the table has no stream. */
  streamViewType?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
}

/** Kafka topics the template's MSK / self-managed Kafka events read. */
export interface TopicResource {
  name: string;
}

/** An SNS topic, EventBridge bus or S3 bucket of the template (destinations only). */
export interface DestinationResource {
  logicalId: string;
  kind: 'sns' | 'eventbridge' | 's3';
  name: string;
}

export interface TemplateResources {
  queues: QueueResource[];
  streams: StreamResource[];
  tables: TableResource[];
  topics: TopicResource[];
  destinations: DestinationResource[];
}

/** Where the generated config reaches the local servers (connections); a kind left out gets no connection. */
export interface Endpoints {
  sqs?: string;
  kinesis?: string;
  dynamodb?: string;
  kafka?: string[];
  rabbitmq?: string;
  /** Destinations only (moto locally). */
  sns?: string;
  eventbridge?: string;
  s3?: string;
}

export interface ImportOptions {
  region: string;
  accountId: string;
  /** Physical names of resources without an explicit name are `<stackName>-<LogicalId>`. */
  stackName: string;
  parameters: Record<string, string>;
  /** serverless.yml `${opt:...}` values (stage, region...). */
  options?: Record<string, string>;
  endpoints: Endpoints;
  /** The template's directory and the generated config's directory: CodeUri is rewritten from one to the other. */
  templateDir: string;
  configDir: string;
  /** Real stream ARNs of tables (by table name), known once the tables exist; otherwise a placeholder label. */
  tableStreamArns?: Record<string, string>;
}

export interface ImportResult {
  /** The sluice config (JSON-ready). */
  config: Record<string, unknown>;
  notes: ImportNote[];
  resources: TemplateResources;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A template value as text: scalars as they are, anything else as JSON. */
export const text = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
