// A SAM or CloudFormation template as a sluice config: functions (Globals merged), their SAM Events and the
// AWS::Lambda::EventSourceMapping / EventInvokeConfig resources as mappings and async settings, and the queues,
// streams and tables --create-resources creates. Everything else is listed as a note with its template path.
import { destinationResource, queueResource, resourceKinds, streamResource, tableResource } from './cfn-resources.js';
import { translateMapping, translateSamEvent, type SluiceMapping } from './events.js';
import { eventInvokeConfig, translateFunction, type SluiceFunction } from './function.js';
import { buildConfig } from './output.js';
import { FUNCTION_TYPES, Stack } from './stack.js';
import { isRecord, type ImportNote, type ImportOptions, type ImportResult, type TemplateResources } from './types.js';

/** Globals are merged like SAM does: maps key by key (Environment.Variables too), anything else replaced. */
function merge(base: unknown, over: unknown): unknown {
  if (!isRecord(base) || !isRecord(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/** The function's name from a FunctionName that is a name or a function ARN. */
const functionNameOf = (v: unknown): string =>
  typeof v === 'string' ? (/:function:([^:]+)/.exec(v)?.[1] ?? v) : String(v);

const WHY_NOT: Record<string, string> = {
  'AWS::Serverless::Api': 'sluice has no API Gateway; call functions through the Invoke API',
  'AWS::Serverless::HttpApi': 'sluice has no API Gateway; call functions through the Invoke API',
  'AWS::MSK::Cluster': 'the cluster is the kafka connection (--kafka-brokers)',
  'AWS::MSK::ServerlessCluster': 'the cluster is the kafka connection (--kafka-brokers)',
  'AWS::AmazonMQ::Broker': 'the broker is the rabbitmq connection (--rabbitmq-url)',
};

/** Sections read here or that change nothing locally (Outputs and others are listed). */
const TEMPLATE_SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Transform',
  'Description',
  'Metadata',
  'Parameters',
  'Conditions',
  'Mappings',
  'Globals',
  'Resources',
]);

export function importSam(template: Record<string, unknown>, o: ImportOptions): ImportResult {
  const stack = new Stack(template, o);
  const notes: ImportNote[] = [];
  const resources: TemplateResources = { queues: [], streams: [], tables: [], topics: [], destinations: [] };
  const functions: Record<string, SluiceFunction> = {};
  const mappings: SluiceMapping[] = [];
  const invokeConfigs: Array<{ fn: string; config: Record<string, unknown>; at: string }> = [];

  const globals = isRecord(template.Globals) ? template.Globals : {};
  const globalFunction = stack.resolver.resolve(globals.Function ?? {}, 'Globals.Function');
  for (const section of Object.keys(globals))
    if (section !== 'Function') notes.push({ path: `Globals.${section}`, message: 'not used by sluice' });

  for (const key of Object.keys(template))
    if (!TEMPLATE_SECTIONS.has(key)) notes.push({ path: key, message: 'not used by sluice' });
  for (const id of Object.keys(stack.resources)) {
    const type = stack.typeOf(id) ?? '(no Type)';
    const at = `Resources.${id}`;
    if (!stack.included(id)) {
      notes.push({ path: `${at}.Condition`, message: 'condition is false: resource left out' });
      continue;
    }
    if (FUNCTION_TYPES.has(type)) {
      const own = stack.resolver.resolve(stack.props(id), `${at}.Properties`);
      const props = (type === 'AWS::Serverless::Function' ? merge(globalFunction, own) : own) as Record<
        string,
        unknown
      >;
      const name = stack.functionName(id);
      functions[name] = translateFunction(props, `${at}.Properties`, o, notes);
      if (isRecord(props.Events))
        for (const [event, e] of Object.entries(props.Events)) {
          const m = translateSamEvent(name, e, `${at}.Properties.Events.${event}`, notes);
          if (m !== undefined) mappings.push(m);
        }
      continue;
    }
    switch (type) {
      case 'AWS::Lambda::EventSourceMapping': {
        const props = stack.resolver.resolve(stack.props(id), `${at}.Properties`) as Record<string, unknown>;
        if (props.EventSourceArn === undefined && props.SelfManagedEventSource === undefined)
          notes.push({ path: `${at}.Properties.EventSourceArn`, message: 'missing or unresolved: mapping left out' });
        else
          mappings.push(
            translateMapping(functionNameOf(props.FunctionName), props, 'EventSourceArn', `${at}.Properties`, notes),
          );
        break;
      }
      case 'AWS::Lambda::EventInvokeConfig': {
        const props = stack.resolver.resolve(stack.props(id), `${at}.Properties`) as Record<string, unknown>;
        const config = eventInvokeConfig(props, `${at}.Properties`, notes);
        invokeConfigs.push({ fn: functionNameOf(props.FunctionName), config, at: `${at}.Properties.FunctionName` });
        break;
      }
      case 'AWS::SQS::Queue':
        resources.queues.push(queueResource(stack, id, notes));
        break;
      case 'AWS::Kinesis::Stream':
        resources.streams.push(streamResource(stack, id, notes));
        break;
      case 'AWS::DynamoDB::Table':
      case 'AWS::Serverless::SimpleTable':
        resources.tables.push(tableResource(stack, id, notes));
        break;
      case 'AWS::SNS::Topic':
      case 'AWS::Events::EventBus':
      case 'AWS::S3::Bucket':
        resources.destinations.push(destinationResource(stack, id)!);
        break;
      default:
        notes.push({ path: at, message: `${type} is not translated${WHY_NOT[type] ? `: ${WHY_NOT[type]}` : ''}` });
    }
  }
  for (const { fn, config, at } of invokeConfigs) {
    const f = functions[fn];
    if (f === undefined) notes.push({ path: at, message: `${fn} is not a function of the template: left out` });
    else f.EventInvokeConfig = { ...(isRecord(f.EventInvokeConfig) ? f.EventInvokeConfig : {}), ...config };
  }
  for (const m of mappings)
    for (const t of Array.isArray(m.Topics) ? (m.Topics as unknown[]) : [])
      if (typeof t === 'string' && !resources.topics.some((r) => r.name === t)) resources.topics.push({ name: t });
  const config = buildConfig(functions, mappings, o, resourceKinds(resources));
  return { config, notes: [...stack.resolver.notes, ...notes], resources };
}
