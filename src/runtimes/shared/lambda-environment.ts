// Per-environment names and the environment variables a function sees, as Lambda sets them (RT-15, RT-16).
import { randomBytes } from 'node:crypto';
import type { FunctionSpec } from '../../ports/function-runtime.js';
import { regionOf } from './region.js';

export const FUNCTION_VERSION = '$LATEST';

/** `2024/05/01/[$LATEST]<32 hex>`: one log stream per execution environment, like Lambda. */
export function newLogStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${FUNCTION_VERSION}]${randomBytes(16).toString('hex')}`;
}

interface LoggingSettings {
  LogFormat?: string;
  ApplicationLogLevel?: string;
  LogGroup?: string;
}

function loggingOf(spec: FunctionSpec): LoggingSettings {
  const l = spec.settings.LoggingConfig;
  return l !== null && typeof l === 'object' ? l : {};
}

export function logGroupName(spec: FunctionSpec): string {
  return loggingOf(spec).LogGroup ?? `/aws/lambda/${spec.name}`;
}

/** LoggingConfig as the runtime reads it: the format always, the level with JSON (Lambda's default INFO). */
function loggingEnv(spec: FunctionSpec): Record<string, string> {
  const l = loggingOf(spec);
  if (l.LogFormat !== 'JSON') return { AWS_LAMBDA_LOG_FORMAT: 'Text' };
  return { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: l.ApplicationLogLevel ?? 'INFO' };
}

/**
 * The function's own environment: nothing of the service's environment leaks in except PATH,
 * so functions neither share variables nor see sluice's secrets. Reserved Lambda variables win
 * over user-defined ones, as in Lambda.
 */
export function functionEnv(
  spec: FunctionSpec,
  handler: string,
  taskRoot: string,
  logStreamName: string,
  /** `AWS_Lambda_<runtime>`; OS-only runtimes (provided.*) have none (RT-15). Default: this Node's nodejs. */
  executionEnv: string | null = `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x`,
): Record<string, string> {
  const region = regionOf(spec);
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    ...spec.environment,
    _HANDLER: handler,
    LAMBDA_TASK_ROOT: taskRoot,
    ...(executionEnv === null ? {} : { AWS_EXECUTION_ENV: executionEnv }),
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySizeMb),
    AWS_LAMBDA_FUNCTION_VERSION: FUNCTION_VERSION,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(spec),
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
    ...loggingEnv(spec),
  };
}
