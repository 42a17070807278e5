// Event source mappings of a template: SAM `Events` (SQS, Kinesis, DynamoDB, MSK, SelfManagedKafka, MQ) and
// AWS::Lambda::EventSourceMapping resources, as sluice mappings. Fields carry CreateEventSourceMapping's names in all
// three, so most are copied; the source field and what sluice does not read are handled here.
import { STREAM_MAPPING_FIELDS } from '../ports/connector.js';
import { destinationConfig } from './destinations.js';
import { isRecord, text, type ImportNote } from './types.js';

/** Fields with the same name and meaning in SAM events, CloudFormation and sluice (DestinationConfig is read apart). */
const COPIED = new Set<string>([
  'BatchSize',
  'MaximumBatchingWindowInSeconds',
  'Enabled',
  'FunctionResponseTypes',
  'ScalingConfig',
  ...STREAM_MAPPING_FIELDS.filter((f) => f !== 'DestinationConfig'),
  'Topics',
  'Queues',
  'SelfManagedEventSource',
  'SelfManagedKafkaEventSourceConfig',
  'LoggingConfig',
]);

/** The SAM event property that names the source, per event type. */
const SOURCE_OF_EVENT: Record<string, string> = {
  SQS: 'Queue',
  Kinesis: 'Stream',
  DynamoDB: 'Stream',
  MSK: 'Stream',
  MQ: 'Broker',
  SelfManagedKafka: 'KafkaBootstrapServers',
};

export const MAPPING_EVENT_TYPES = new Set(Object.keys(SOURCE_OF_EVENT));

export type SluiceMapping = Record<string, unknown>;

/** CloudFormation takes "10" and "true" where Lambda means 10 and true; sluice's schema wants the typed values. */
function scalar(v: unknown): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  return typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
}

/** PRV-1: provisioned mode, with CloudFormation's "2" pollers as numbers (the group name stays text). */
function provisionedPollers(v: unknown): unknown {
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = { ...v };
  for (const k of ['MinimumPollers', 'MaximumPollers']) if (k in out) out[k] = scalar(out[k]);
  return out;
}

function filterCriteria(v: unknown): unknown {
  if (!isRecord(v) || !Array.isArray(v.Filters)) return v;
  // Templates often write a pattern as YAML; Lambda (and sluice) take its JSON text.
  return {
    Filters: (v.Filters as unknown[]).map((f) =>
      isRecord(f) && typeof f.Pattern !== 'string' ? { Pattern: JSON.stringify(f.Pattern) } : f,
    ),
  };
}

function sourceAccess(v: unknown, kafka: boolean, at: string, notes: ImportNote[]): unknown[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const kept = (v as unknown[]).filter(
    (c) => !kafka && isRecord(c) && (c.Type === 'VIRTUAL_HOST' || c.Type === 'BASIC_AUTH'),
  );
  if (kept.length < v.length)
    notes.push({ path: at, message: 'authentication and network settings come from the sluice connection' });
  return kept.length === 0 ? undefined : kept;
}

/**
 * A mapping from resolved properties. `sourceKey` names the property with the source (SAM's Queue/Stream/Broker,
 * CloudFormation's EventSourceArn); `kafka` when SourceAccessConfigurations are Kafka's.
 */
export function translateMapping(
  functionName: string,
  props: Record<string, unknown>,
  sourceKey: string,
  at: string,
  notes: ImportNote[],
): SluiceMapping {
  const m: SluiceMapping = { FunctionName: functionName };
  const kafka = sourceKey === 'KafkaBootstrapServers' || /^arn:[\w-]+:kafka:/.test(text(props[sourceKey] ?? ''));
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (k === sourceKey) {
      if (k === 'KafkaBootstrapServers')
        m.SelfManagedEventSource = { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: Array.isArray(v) ? v : [v] } };
      else m.EventSourceArn = v;
    } else if (COPIED.has(k)) m[k] = scalar(v);
    else if (k === 'FilterCriteria') m.FilterCriteria = filterCriteria(v);
    else if (k === 'ProvisionedPollerConfig') m.ProvisionedPollerConfig = provisionedPollers(v);
    else if (k === 'DestinationConfig') {
      const d = destinationConfig(v, `${at}.DestinationConfig`, notes, 'mapping');
      if (d?.OnFailure !== undefined) m.DestinationConfig = { OnFailure: d.OnFailure };
      if (d?.OnSuccess !== undefined)
        notes.push({ path: `${at}.DestinationConfig.OnSuccess`, message: 'sluice mappings deliver OnFailure only' });
    } else if (k === 'ConsumerGroupId')
      // SAM's MSK/SelfManagedKafka ConsumerGroupId; sluice has the one Kafka field for both.
      m.SelfManagedKafkaEventSourceConfig = { ConsumerGroupId: v };
    else if (k === 'AmazonManagedKafkaEventSourceConfig' && isRecord(v))
      m.SelfManagedKafkaEventSourceConfig = { ConsumerGroupId: v.ConsumerGroupId };
    else if (k === 'SourceAccessConfigurations') {
      const kept = sourceAccess(v, kafka, `${at}.${k}`, notes);
      if (kept !== undefined) m.SourceAccessConfigurations = kept;
    } else if (k !== 'FunctionName') notes.push({ path: `${at}.${k}`, message: 'not used by sluice' });
  }
  return m;
}

/** A SAM `Events` entry; undefined (with a note) for event types that are not mappings (Api, S3, Schedule...). */
export function translateSamEvent(
  functionName: string,
  event: unknown,
  at: string,
  notes: ImportNote[],
): SluiceMapping | undefined {
  if (!isRecord(event)) return undefined;
  const type = String(event.Type);
  const sourceKey = SOURCE_OF_EVENT[type];
  if (sourceKey === undefined) {
    notes.push({ path: at, message: `event type ${type} is not an event source mapping: not translated` });
    return undefined;
  }
  const props = isRecord(event.Properties) ? event.Properties : {};
  if (props[sourceKey] === undefined) {
    notes.push({ path: `${at}.Properties.${sourceKey}`, message: 'missing or unresolved: mapping left out' });
    return undefined;
  }
  const m = translateMapping(functionName, props, sourceKey, `${at}.Properties`, notes);
  if (type === 'SelfManagedKafka' && m.StartingPosition === undefined) {
    m.StartingPosition = 'TRIM_HORIZON';
    notes.push({ path: `${at}.Properties.StartingPosition`, message: 'not given: TRIM_HORIZON (sluice needs one)' });
  }
  return m;
}
