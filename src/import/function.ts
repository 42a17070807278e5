// One Lambda function of a template (SAM or CloudFormation, properties already resolved and merged with Globals)
// as a sluice function: Node.js handler and code directory, limits, environment, async settings and dead-letter queue.
import path from 'node:path';
import { destinationAddress, destinationConfig } from './destinations.js';
import { isRecord, text, type ImportNote, type ImportOptions } from './types.js';

/** Properties read elsewhere or that change nothing locally, so not worth a note. */
const QUIET = new Set(['FunctionName', 'Events', 'Description', 'Tags', 'AutoPublishAlias']);

export type SluiceFunction = Record<string, unknown>;

function codeUri(props: Record<string, unknown>, at: string, o: ImportOptions, notes: ImportNote[]): string {
  const local = (dir: string) => path.relative(o.configDir, path.resolve(o.templateDir, dir)) || '.';
  const uri = props.CodeUri;
  if (typeof uri === 'string' && !uri.startsWith('s3://')) return local(uri);
  if (uri !== undefined) notes.push({ path: `${at}.CodeUri`, message: 'code in S3: point CodeUri at a local copy' });
  if (props.InlineCode !== undefined)
    notes.push({ path: `${at}.InlineCode`, message: 'inline code: write it to a file next to the config' });
  const code = props.Code;
  if (isRecord(code))
    notes.push({
      path: `${at}.Code`,
      message:
        code.ZipFile !== undefined
          ? 'inline code: write it to a file next to the config'
          : 'code in S3 or ECR: point CodeUri at a local copy',
    });
  return local('.');
}

function runtime(value: unknown, at: string, notes: ImportNote[]): void {
  if (value === undefined || (typeof value === 'string' && /^nodejs/.test(value))) return;
  notes.push({ path: `${at}.Runtime`, message: `${text(value)}: sluice runs Node.js handlers; kept as nodejs` });
}

function environment(value: unknown, at: string, notes: ImportNote[]): Record<string, string> | undefined {
  if (!isRecord(value) || !isRecord(value.Variables)) return undefined;
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(value.Variables)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') vars[k] = String(v);
    else if (v !== undefined) notes.push({ path: `${at}.Environment.Variables.${k}`, message: 'not a string' });
  }
  return vars;
}

/** SAM's EventInvokeConfig or an AWS::Lambda::EventInvokeConfig's properties, as sluice's EventInvokeConfig. */
export function eventInvokeConfig(
  value: Record<string, unknown>,
  at: string,
  notes: ImportNote[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'MaximumEventAgeInSeconds' || k === 'MaximumRetryAttempts') out[k] = Number(v);
    else if (k === 'DestinationConfig') {
      const d = destinationConfig(v, `${at}.DestinationConfig`, notes, 'async');
      if (d !== undefined) out.DestinationConfig = d;
    } else if (k !== 'FunctionName' && k !== 'Qualifier')
      notes.push({ path: `${at}.${k}`, message: 'not used by sluice' });
  }
  return out;
}

export function translateFunction(
  props: Record<string, unknown>,
  at: string,
  o: ImportOptions,
  notes: ImportNote[],
): SluiceFunction {
  const fn: SluiceFunction = { Runtime: 'nodejs', Handler: props.Handler, CodeUri: codeUri(props, at, o, notes) };
  runtime(props.Runtime, at, notes);
  for (const [k, v] of Object.entries(props)) {
    switch (k) {
      case 'Timeout':
      case 'MemorySize':
      case 'ReservedConcurrentExecutions':
        fn[k] = Number(v);
        break;
      case 'Environment': {
        const vars = environment(v, at, notes);
        if (vars !== undefined) fn.Environment = { Variables: vars };
        break;
      }
      case 'EventInvokeConfig':
        if (isRecord(v)) fn.EventInvokeConfig = eventInvokeConfig(v, `${at}.EventInvokeConfig`, notes);
        break;
      case 'DeadLetterQueue': // SAM: { Type: SQS|SNS, TargetArn }
      case 'DeadLetterConfig': {
        // CloudFormation: { TargetArn }
        const target = destinationAddress(isRecord(v) ? v.TargetArn : v, `${at}.${k}.TargetArn`, notes, 'dead-letter');
        if (target !== undefined) fn.DeadLetterConfig = { TargetArn: target };
        break;
      }
      case 'Runtime':
      case 'Handler':
      case 'CodeUri':
      case 'Code':
      case 'InlineCode':
        break;
      default:
        if (!QUIET.has(k)) notes.push({ path: `${at}.${k}`, message: 'not used by sluice' });
    }
  }
  if (typeof fn.Handler !== 'string')
    notes.push({ path: `${at}.Handler`, message: 'missing: the function has no handler' });
  return fn;
}
