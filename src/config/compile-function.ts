// Compiles the `functions` section: runtime settings, async invocation settings and the checks of each function.
import { awsClientConfig, awsConnectionProblems } from '../../connectors/_aws/client-config.js';
import { defaultConnection, destinationConnectionProblem, destinationProblem } from './default-connection.js';
import type { Connection, ParsedConfig, ParsedFunction } from './schema.js';
import { functionAwsEnvironment } from './function-aws-env.js';
import type { DestinationRole } from '../ports/connector.js';
import type { Problem } from './problems.js';
import { runtimeKindOf, type ConfigRuntimeKind } from './runtime-names.js';

export interface CompiledFunction {
  name: string;
  arn: string;
  runtime: ConfigRuntimeKind;
  settings: Record<string, unknown>;
  timeoutMs: number;
  memorySizeMb: number;
  environment: Record<string, string>;
  reservedConcurrency?: number;
  /** Shown by the Function API only (FN-14). */
  role?: string;
  description?: string;
  async: {
    /** Whether the config file gives an EventInvokeConfig (GetFunctionEventInvokeConfig answers 404 otherwise). */
    configured: boolean;
    maximumRetryAttempts: number;
    maximumEventAgeMs: number;
    onSuccess?: string;
    onFailure?: string;
    deadLetterTargetArn?: string;
  };
}

export function functionArn(region: string, accountId: string, name: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
}

/** The lambda connection of a function: its `Connection`, else the one named "lambda" or the only one. */
function lambdaConnection(cfg: ParsedConfig, fn: ParsedFunction): Connection | string | undefined {
  if (fn.Connection !== undefined) {
    const named = cfg.connections[fn.Connection];
    return named?.type === 'lambda' ? named : `"${fn.Connection}" is not a connection of type lambda`;
  }
  const d = defaultConnection(cfg.connections, 'lambda');
  return 'problem' in d ? `Runtime lambda needs a connection: ${d.message}` : d.connection;
}

/** The settings each runtime reads (src/runtimes): Handler/CodeUri, Url, or the remote Lambda's address. */
function runtimeSettings(cfg: ParsedConfig, fn: ParsedFunction, kind: ConfigRuntimeKind): Record<string, unknown> {
  if (kind === 'nodejs')
    return { Handler: fn.Handler, CodeUri: fn.CodeUri, Isolation: fn.Isolation, LoggingConfig: fn.LoggingConfig };
  if (kind === 'http') return { Url: fn.Url };
  // provided.*, python3.x and java (Runtime API): the code root and the handler the runtime reads from _HANDLER.
  if (kind !== 'lambda') return { Handler: fn.Handler, CodeUri: fn.CodeUri, LoggingConfig: fn.LoggingConfig };
  const remote = lambdaConnection(cfg, fn);
  // Explicit endpoint and credentials: Credentials is left out only for "default-chain" (the SDK's chain).
  const client =
    typeof remote === 'object' && awsConnectionProblems(remote).length === 0
      ? awsClientConfig(remote, cfg.region)
      : undefined;
  return {
    FunctionName: fn.RemoteFunctionName,
    Qualifier: fn.Qualifier,
    Endpoint: client?.endpoint,
    Region: client?.region ?? cfg.region,
    Credentials: client?.credentials,
  };
}

export function compileFunction(
  cfg: ParsedConfig,
  name: string,
  fn: ParsedFunction,
  problems: Problem[],
): CompiledFunction {
  const at = `functions.${name}`;
  // SAM's names (nodejs22.x...) are aliases of a kind.
  const kind = runtimeKindOf(fn.Runtime);
  if (kind === 'nodejs' && fn.Handler === undefined)
    problems.push({ path: `${at}.Handler`, message: `required for Runtime ${fn.Runtime}` });
  if ((kind.startsWith('python') || kind.startsWith('java')) && fn.Handler === undefined)
    problems.push({ path: `${at}.Handler`, message: `required for Runtime ${fn.Runtime}` });
  if (kind === 'http' && fn.Url === undefined)
    problems.push({ path: `${at}.Url`, message: 'required for Runtime http' });
  const logging = fn.LoggingConfig;
  if (logging !== undefined && logging.LogFormat !== 'JSON')
    for (const key of ['ApplicationLogLevel', 'SystemLogLevel'] as const)
      if (logging[key] !== undefined)
        problems.push({ path: `${at}.LoggingConfig.${key}`, message: 'log levels apply only with LogFormat "JSON"' });
  if (kind === 'lambda') {
    const remote = lambdaConnection(cfg, fn);
    if (typeof remote === 'string') problems.push({ path: `${at}.Connection`, message: remote });
  }
  const inv = fn.EventInvokeConfig;
  const destinationConfig = inv?.DestinationConfig;
  const dests: Array<[string, string | undefined, DestinationRole]> = [
    [
      `${at}.EventInvokeConfig.DestinationConfig.OnSuccess.Destination`,
      destinationConfig?.OnSuccess?.Destination,
      'async-on-success',
    ],
    [
      `${at}.EventInvokeConfig.DestinationConfig.OnFailure.Destination`,
      destinationConfig?.OnFailure?.Destination,
      'async-on-failure',
    ],
    [`${at}.DeadLetterConfig.TargetArn`, fn.DeadLetterConfig?.TargetArn, 'dead-letter'],
  ];
  for (const [p, d, role] of dests) {
    if (d === undefined) continue;
    const problem = destinationProblem(cfg.connections, d, role) ?? destinationConnectionProblem(cfg.connections, d);
    if (problem !== undefined) problems.push({ path: p, message: problem });
  }
  return {
    name,
    arn: functionArn(cfg.region, cfg.accountId, name),
    runtime: kind,
    settings: runtimeSettings(cfg, fn, kind),
    timeoutMs: fn.Timeout * 1000,
    memorySizeMb: fn.MemorySize,
    // The function's own Environment wins over what its AwsConnections give.
    environment: {
      ...functionAwsEnvironment(fn.AwsConnections, cfg.connections, at, problems),
      ...fn.Environment?.Variables,
    },
    reservedConcurrency: fn.ReservedConcurrentExecutions,
    role: fn.Role,
    description: fn.Description,
    async: {
      configured: inv !== undefined,
      maximumRetryAttempts: inv?.MaximumRetryAttempts ?? 2,
      maximumEventAgeMs: (inv?.MaximumEventAgeInSeconds ?? 21600) * 1000,
      onSuccess: inv?.DestinationConfig?.OnSuccess?.Destination,
      onFailure: inv?.DestinationConfig?.OnFailure?.Destination,
      deadLetterTargetArn: fn.DeadLetterConfig?.TargetArn,
    },
  };
}
