// Compiles the `functions` section: runtime settings, async invocation settings and the checks of each function.
import type { ParsedConfig, ParsedFunction } from './schema.js';
import type { Problem } from './problems.js';
import { isDestinationAddress } from './source-kind.js';

export interface CompiledFunction {
  name: string;
  arn: string;
  runtime: 'nodejs' | 'http' | 'lambda';
  settings: Record<string, unknown>;
  timeoutMs: number;
  memorySizeMb: number;
  environment: Record<string, string>;
  reservedConcurrency?: number;
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

/** The settings each runtime reads (src/runtimes): Handler/CodeUri, Url, or the remote Lambda's address. */
function runtimeSettings(cfg: ParsedConfig, fn: ParsedFunction): Record<string, unknown> {
  if (fn.Runtime === 'nodejs') return { Handler: fn.Handler, CodeUri: fn.CodeUri };
  if (fn.Runtime === 'http') return { Url: fn.Url };
  const conn = fn.Connection === undefined ? undefined : cfg.connections[fn.Connection];
  const remote = conn?.type === 'lambda' ? conn : undefined;
  return {
    FunctionName: fn.RemoteFunctionName,
    Qualifier: fn.Qualifier,
    Endpoint: remote?.endpoint,
    Region: remote?.region ?? cfg.region,
    Credentials: remote?.credentials,
  };
}

export function compileFunction(
  cfg: ParsedConfig,
  name: string,
  fn: ParsedFunction,
  problems: Problem[],
): CompiledFunction {
  const at = `functions.${name}`;
  if (fn.Runtime === 'nodejs' && fn.Handler === undefined)
    problems.push({ path: `${at}.Handler`, message: 'required for Runtime nodejs' });
  if (fn.Runtime === 'http' && fn.Url === undefined)
    problems.push({ path: `${at}.Url`, message: 'required for Runtime http' });
  if (fn.Runtime === 'lambda') {
    const conn = fn.Connection === undefined ? undefined : cfg.connections[fn.Connection];
    if (fn.Connection !== undefined && conn?.type !== 'lambda')
      problems.push({ path: `${at}.Connection`, message: `"${fn.Connection}" is not a connection of type lambda` });
  }
  const inv = fn.EventInvokeConfig;
  const dests: Array<[string, string | undefined]> = [
    [`${at}.EventInvokeConfig.DestinationConfig.OnSuccess.Destination`, inv?.DestinationConfig?.OnSuccess?.Destination],
    [`${at}.EventInvokeConfig.DestinationConfig.OnFailure.Destination`, inv?.DestinationConfig?.OnFailure?.Destination],
    [`${at}.DeadLetterConfig.TargetArn`, fn.DeadLetterConfig?.TargetArn],
  ];
  for (const [p, d] of dests)
    if (d !== undefined && !isDestinationAddress(d))
      problems.push({ path: p, message: `"${d}" is not a destination sluice can deliver to` });
  return {
    name,
    arn: functionArn(cfg.region, cfg.accountId, name),
    runtime: fn.Runtime,
    settings: runtimeSettings(cfg, fn),
    timeoutMs: fn.Timeout * 1000,
    memorySizeMb: fn.MemorySize,
    environment: fn.Environment?.Variables ?? {},
    reservedConcurrency: fn.ReservedConcurrentExecutions,
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
