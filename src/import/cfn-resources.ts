// The template's SQS queues, Kinesis streams, DynamoDB tables, SNS topics, EventBridge buses and S3 buckets as
// --create-resources creates them locally.
import type { Stack } from './stack.js';
import {
  isRecord,
  text,
  type DestinationResource,
  type ImportNote,
  type QueueResource,
  type StreamResource,
  type TableResource,
  type TemplateResources,
} from './types.js';

const QUEUE_ATTRIBUTES = new Set([
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'VisibilityTimeout',
  'MessageRetentionPeriod',
  'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds',
  'MaximumMessageSize',
]);

/** Properties that change nothing locally; not worth a note. */
const QUIET = new Set(['Tags', 'QueueName', 'Name', 'TableName', 'BillingMode', 'ProvisionedThroughput']);

function unused(props: Record<string, unknown>, handled: Set<string>, at: string, notes: ImportNote[]): void {
  for (const k of Object.keys(props))
    if (!handled.has(k) && !QUIET.has(k)) notes.push({ path: `${at}.${k}`, message: 'not used by sluice' });
}

export function queueResource(stack: Stack, id: string, notes: ImportNote[]): QueueResource {
  const at = `${stack.at(id)}.Properties`;
  const props = stack.resolver.resolve(stack.props(id), at) as Record<string, unknown>;
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (QUEUE_ATTRIBUTES.has(k) && v !== undefined) attributes[k] = text(v);
  if (isRecord(props.RedrivePolicy)) {
    const { deadLetterTargetArn, maxReceiveCount } = props.RedrivePolicy;
    attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn, maxReceiveCount: String(maxReceiveCount) });
  }
  unused(props, new Set([...QUEUE_ATTRIBUTES, 'RedrivePolicy']), at, notes);
  const values = stack.values(id);
  const name = stack.queueName(id);
  return { logicalId: id, name, arn: String(values?.atts.Arn), fifo: name.endsWith('.fifo'), attributes };
}

export function streamResource(stack: Stack, id: string, notes: ImportNote[]): StreamResource {
  const at = `${stack.at(id)}.Properties`;
  const props = stack.resolver.resolve(stack.props(id), at) as Record<string, unknown>;
  const shards = Number(props.ShardCount ?? 1);
  unused(props, new Set(['ShardCount', 'StreamModeDetails']), at, notes);
  if (isRecord(props.StreamModeDetails) && props.StreamModeDetails.StreamMode === 'ON_DEMAND')
    notes.push({ path: `${at}.StreamModeDetails`, message: 'ON_DEMAND: created with ShardCount shards (default 1)' });
  return { logicalId: id, name: stack.streamName(id), arn: String(stack.values(id)?.atts.Arn), shardCount: shards };
}

const SIMPLE_TYPES: Record<string, 'S' | 'N' | 'B'> = { String: 'S', Number: 'N', Binary: 'B' };

export function tableResource(stack: Stack, id: string, notes: ImportNote[]): TableResource {
  const at = `${stack.at(id)}.Properties`;
  const props = stack.resolver.resolve(stack.props(id), at) as Record<string, unknown>;
  const name = stack.tableName(id);
  const base = { logicalId: id, name, arn: String(stack.values(id)?.atts.Arn) };
  if (stack.typeOf(id) === 'AWS::Serverless::SimpleTable') {
    const pk = isRecord(props.PrimaryKey) ? props.PrimaryKey : { Name: 'id', Type: 'String' };
    const attr = String(pk.Name);
    unused(props, new Set(['PrimaryKey']), at, notes);
    return {
      ...base,
      keySchema: [{ AttributeName: attr, KeyType: 'HASH' }],
      attributes: [{ AttributeName: attr, AttributeType: SIMPLE_TYPES[String(pk.Type)] ?? 'S' }],
    };
  }
  const keySchema = (Array.isArray(props.KeySchema) ? props.KeySchema : []) as TableResource['keySchema'];
  const keys = new Set(keySchema.map((k) => k.AttributeName));
  // Only key attributes: DynamoDB refuses definitions no key uses, and the indexes are not created.
  const attributes = (
    (Array.isArray(props.AttributeDefinitions) ? props.AttributeDefinitions : []) as TableResource['attributes']
  ).filter((a) => keys.has(a.AttributeName));
  const spec = isRecord(props.StreamSpecification) ? props.StreamSpecification : undefined;
  unused(props, new Set(['KeySchema', 'AttributeDefinitions', 'StreamSpecification']), at, notes);
  return {
    ...base,
    keySchema,
    attributes,
    ...(spec === undefined ? {} : { streamViewType: spec.StreamViewType as TableResource['streamViewType'] }),
  };
}

const DESTINATION_KINDS: Record<string, DestinationResource['kind']> = {
  'AWS::SNS::Topic': 'sns',
  'AWS::Events::EventBus': 'eventbridge',
  'AWS::S3::Bucket': 's3',
};

/** A topic, bus or bucket if the resource is one: only its name is created (policies, rules, etc. are not). */
export function destinationResource(stack: Stack, id: string): DestinationResource | undefined {
  const kind = DESTINATION_KINDS[stack.typeOf(id) ?? ''];
  const values = stack.values(id);
  if (kind === undefined || values === undefined) return undefined;
  const name = kind === 'sns' ? values.atts.TopicName : kind === 'eventbridge' ? values.atts.Name : values.ref;
  return { logicalId: id, kind, name: String(name) };
}

/** The connection kinds the created resources need even when no function or mapping names them. */
export function resourceKinds(r: TemplateResources): Array<'sqs' | DestinationResource['kind']> {
  return [...(r.queues.length > 0 ? (['sqs'] as const) : []), ...new Set(r.destinations.map((d) => d.kind))];
}
