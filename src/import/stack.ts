// A CloudFormation/SAM template's resources as sluice sees them locally: physical names (the explicit name, else
// <stack>-<LogicalId>), ARNs in the configured region and account, and the values Ref and Fn::GetAtt return.
import { Resolver, UNSET_PARAMETER, type ResourceValues } from './intrinsics.js';
import { isRecord, type ImportOptions } from './types.js';

export const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);

export class Stack {
  readonly resolver: Resolver;
  readonly resources: Record<string, Record<string, unknown>>;
  readonly #values = new Map<string, ResourceValues | undefined>();

  constructor(
    readonly template: Record<string, unknown>,
    readonly options: ImportOptions,
    /** Where the template sits in the file (serverless.yml: `resources.`), for the paths of notes. */
    readonly pathPrefix = '',
  ) {
    this.resources = isRecord(template.Resources)
      ? (template.Resources as Record<string, Record<string, unknown>>)
      : {};
    const params = isRecord(template.Parameters) ? template.Parameters : {};
    const parameters: Record<string, unknown> = {};
    for (const [name, p] of Object.entries(params)) {
      const given = options.parameters[name] ?? (isRecord(p) ? p.Default : undefined);
      if (given === undefined) continue;
      const list =
        (isRecord(p) && typeof p.Type === 'string' && p.Type.startsWith('List<')) ||
        (isRecord(p) && p.Type === 'CommaDelimitedList');
      // A Number parameter given as --parameter K=5 is the number 5 (fields such as BatchSize take numbers).
      const num = isRecord(p) && p.Type === 'Number' && typeof given === 'string' && given.trim() !== '';
      parameters[name] = list && typeof given === 'string' ? given.split(',') : num ? Number(given) : given;
    }
    this.resolver = new Resolver({
      parameters,
      conditions: isRecord(template.Conditions) ? template.Conditions : {},
      mappings: isRecord(template.Mappings) ? template.Mappings : {},
      pseudo: { region: options.region, accountId: options.accountId, stackName: options.stackName },
      resource: (id) => this.values(id),
      declared: (id) => this.typeOf(id) ?? (id in params ? UNSET_PARAMETER : undefined),
    });
    for (const name of Object.keys(params))
      if (!(name in parameters))
        this.resolver.notes.push({
          path: `Parameters.${name}`,
          message: 'no Default and no --parameter value: references to it are left out',
        });
  }

  /** The template path of a resource. */
  at(id: string): string {
    return `${this.pathPrefix}Resources.${id}`;
  }

  typeOf(id: string): string | undefined {
    const t = this.resources[id]?.Type;
    return typeof t === 'string' ? t : undefined;
  }

  props(id: string): Record<string, unknown> {
    const p = this.resources[id]?.Properties;
    return isRecord(p) ? p : {};
  }

  /** Whether the resource exists under the template's conditions. */
  included(id: string): boolean {
    const c = this.resources[id]?.Condition;
    return typeof c !== 'string' || this.resolver.condition(c, `${this.at(id)}.Condition`);
  }

  /** A property with intrinsics evaluated (notes for what cannot be). */
  prop(id: string, key: string): unknown {
    return this.resolver.resolve(this.props(id)[key], `${this.at(id)}.Properties.${key}`);
  }

  #name(id: string, key: string, fallback = `${this.options.stackName}-${id}`): string {
    const v = this.prop(id, key);
    return typeof v === 'string' && v !== '' ? v : fallback;
  }

  queueName(id: string): string {
    const fifo = this.prop(id, 'FifoQueue') === true || this.prop(id, 'FifoQueue') === 'true';
    const name = this.#name(id, 'QueueName');
    return fifo && !name.endsWith('.fifo') ? `${name}.fifo` : name;
  }

  tableName(id: string): string {
    return this.#name(id, 'TableName');
  }

  streamName(id: string): string {
    return this.#name(id, 'Name');
  }

  functionName(id: string): string {
    return this.#name(id, 'FunctionName', id);
  }

  tableStreamArn(table: string): string {
    const { region, accountId, tableStreamArns } = this.options;
    return (
      tableStreamArns?.[table] ?? `arn:aws:dynamodb:${region}:${accountId}:table/${table}/stream/unknown-until-created`
    );
  }

  values(id: string): ResourceValues | undefined {
    if (this.#values.has(id)) return this.#values.get(id);
    this.#values.set(id, undefined); // a name that refers to itself resolves to nothing instead of looping
    const v = this.#compute(id);
    this.#values.set(id, v);
    return v;
  }

  #compute(id: string): ResourceValues | undefined {
    const { region: r, accountId: a } = this.options;
    const type = this.typeOf(id);
    switch (type) {
      case 'AWS::SQS::Queue': {
        const name = this.queueName(id);
        const url = `${this.options.endpoints.sqs ?? `https://sqs.${r}.amazonaws.com`}/${a}/${name}`;
        const arn = `arn:aws:sqs:${r}:${a}:${name}`;
        return { ref: url, atts: { Arn: arn, QueueName: name, QueueUrl: url } };
      }
      case 'AWS::Kinesis::Stream': {
        const name = this.streamName(id);
        return { ref: name, atts: { Arn: `arn:aws:kinesis:${r}:${a}:stream/${name}` } };
      }
      case 'AWS::DynamoDB::Table':
      case 'AWS::Serverless::SimpleTable': {
        const name = this.tableName(id);
        return {
          ref: name,
          atts: { Arn: `arn:aws:dynamodb:${r}:${a}:table/${name}`, StreamArn: this.tableStreamArn(name) },
        };
      }
      case 'AWS::Serverless::Function':
      case 'AWS::Lambda::Function': {
        const name = this.functionName(id);
        return { ref: name, atts: { Arn: `arn:aws:lambda:${r}:${a}:function:${name}` } };
      }
      case 'AWS::MSK::Cluster':
      case 'AWS::MSK::ServerlessCluster': {
        const arn = `arn:aws:kafka:${r}:${a}:cluster/${this.#name(id, 'ClusterName')}/local`;
        return { ref: arn, atts: { Arn: arn } };
      }
      case 'AWS::AmazonMQ::Broker': {
        const arn = `arn:aws:mq:${r}:${a}:broker:${this.#name(id, 'BrokerName')}:local`;
        return { ref: 'local', atts: { Arn: arn, Id: 'local' } };
      }
      case 'AWS::SNS::Topic': {
        const name = this.#name(id, 'TopicName');
        const arn = `arn:aws:sns:${r}:${a}:${name}`;
        return { ref: arn, atts: { TopicArn: arn, TopicName: name } };
      }
      case 'AWS::Events::EventBus': {
        const name = this.#name(id, 'Name');
        return { ref: name, atts: { Arn: `arn:aws:events:${r}:${a}:event-bus/${name}`, Name: name } };
      }
      case 'AWS::S3::Bucket': {
        const name = this.#name(id, 'BucketName').toLowerCase();
        return { ref: name, atts: { Arn: `arn:aws:s3:::${name}` } };
      }
      default:
        return undefined;
    }
  }
}
