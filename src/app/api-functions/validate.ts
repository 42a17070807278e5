// Validation of CreateFunction / UpdateFunctionCode / UpdateFunctionConfiguration bodies (FN-6..11, OPEN-4..7):
// Lambda's limits and error types, before anything is stored.
import { LambdaApiError } from '../../ports/errors.js';

export const invalid = (message: string): LambdaApiError =>
  new LambdaApiError('InvalidParameterValueException', 400, message);

/** FN-8: every runtime identifier of the Lambda model, current, upcoming and retired (OPEN-5 accepts them all). */
const CURRENT_RUNTIMES = [
  'nodejs24.x', 'nodejs22.x', 'nodejs20.x', 'python3.14', 'python3.13', 'python3.12', 'python3.11', 'python3.10',
  'java25', 'java21', 'java17', 'java11', 'java8.al2', 'dotnet10', 'dotnet8', 'ruby3.4', 'ruby3.3', 'ruby3.2',
  'provided.al2023', 'provided.al2', 'nodejs26.x', 'python3.15', 'ruby4.0', 'java8.al2023', 'java11.al2023',
  'java17.al2023',
]; // prettier-ignore
export const RETIRED_RUNTIMES = [
  'nodejs', 'nodejs4.3', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x', 'nodejs16.x',
  'nodejs18.x', 'python2.7', 'python3.6', 'python3.7', 'python3.8', 'python3.9', 'java8', 'dotnetcore1.0',
  'dotnetcore2.0', 'dotnetcore2.1', 'dotnetcore3.1', 'dotnet6', 'go1.x', 'ruby2.5', 'ruby2.7', 'provided',
  'nodejs4.3-edge',
]; // prettier-ignore
const RUNTIMES = new Set([...CURRENT_RUNTIMES, ...RETIRED_RUNTIMES]);

/** OPEN-5: sluice starts these today (the nodejs runtime); others end Failed with InvalidRuntime. */
export function runnable(runtime: string): boolean {
  return /^nodejs\d+\.x$/.test(runtime) && !RETIRED_RUNTIMES.includes(runtime);
}

/** RT-15: set by the service, refused in a function's configuration. */
const RESERVED_ENV = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]); // prettier-ignore

/** OPEN-4: the UTF-8 length of the compact JSON of the Variables map. */
export const MAX_ENV_BYTES = 4096;

export type Body = Record<string, unknown>;

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

export function object(v: unknown, name: string): Body | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw invalid(`${name} must be an object`);
  return v;
}

export function string(v: unknown, name: string, max: number, pattern?: RegExp): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > max || (pattern !== undefined && !pattern.test(v)))
    throw invalid(
      `Value at '${name}' failed to satisfy constraint: ${pattern ? 'Member must satisfy regular expression pattern: ' + pattern.source : `Member must have length less than or equal to ${max}`}`,
    );
  return v;
}

export function intIn(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw invalid(`${name} must be an integer between ${min} and ${max}`);
  return v;
}

function oneOf<T extends string>(v: unknown, name: string, values: readonly T[]): T | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    throw invalid(
      `Value ${JSON.stringify(v)} at '${name}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`,
    );
  return v as T;
}

/** FN-4: a name, a partial ARN or a full ARN, without qualifier (writes change $LATEST only). */
export function functionName(v: unknown, region: string, account: string): string {
  if (typeof v !== 'string' || v === '') throw invalid('FunctionName is required');
  const m = /^(?:(?:arn:aws[\w-]*:lambda:([\w-]+):)?(\d{12}):function:)?([a-zA-Z0-9_-]{1,64})$/.exec(v);
  if (m?.[3] === undefined)
    throw invalid(
      `1 validation error detected: Value '${v}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]{1,64} (or a function ARN)`,
    );
  if ((m[1] !== undefined && m[1] !== region) || (m[2] !== undefined && m[2] !== account))
    throw new LambdaApiError('ResourceNotFoundException', 404, `Function not found: ${v}`);
  return m[3];
}

export function role(v: unknown): string {
  if (typeof v !== 'string' || !/^arn:aws[\w-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/.test(v))
    throw invalid(
      `The role defined for the function cannot be assumed by Lambda. Role must be arn:aws:iam::<12 digits>:role/<name> (got ${JSON.stringify(v)})`,
    );
  return v;
}

export function runtime(v: unknown): string {
  if (typeof v !== 'string' || !RUNTIMES.has(v))
    throw invalid(
      `Value ${JSON.stringify(v)} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${CURRENT_RUNTIMES.join(', ')}] or be a valid ARN`,
    );
  return v;
}

export function handler(v: unknown): string {
  const h = string(v, 'handler', 128, /^[^\s]+$/);
  if (h === undefined) throw invalid('Handler is required for a function of PackageType Zip');
  return h;
}

/** FN-10: `Code` (or UpdateFunctionCode's body) → the zip bytes; S3 and images are not supported here. */
export function zipFile(code: Body): Buffer {
  if (code.S3Bucket !== undefined || code.S3Key !== undefined || code.S3ObjectVersion !== undefined)
    throw invalid('S3Bucket/S3Key are not supported by sluice: upload the package as ZipFile');
  if (code.ImageUri !== undefined)
    throw invalid('ImageUri is not supported by sluice: container images cannot run here; use a Zip package');
  const z = code.ZipFile;
  if (typeof z !== 'string' || z === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(z))
    throw invalid('Code.ZipFile is required (the zip package, base64-encoded)');
  return Buffer.from(z, 'base64');
}

/** FN-11, RT-15, OPEN-4. */
export function environment(v: unknown): { Variables: Record<string, string> } | undefined {
  const env = object(v, 'Environment');
  if (env === undefined) return undefined;
  const vars = object(env.Variables, 'Environment.Variables') ?? {};
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(vars)) {
    if (!/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(k))
      throw invalid(`Environment variable name ${JSON.stringify(k)} must match [a-zA-Z]([a-zA-Z0-9_])+`);
    if (RESERVED_ENV.has(k))
      throw invalid(
        `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${k}`,
      );
    if (typeof value !== 'string') throw invalid(`Environment variable ${k} must be a string`);
    out[k] = value;
  }
  const json = JSON.stringify(out);
  if (Buffer.byteLength(json) > MAX_ENV_BYTES)
    throw invalid(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${json}`,
    );
  return { Variables: out };
}

export function loggingConfig(v: unknown, name: string): Record<string, string> | undefined {
  const c = object(v, 'LoggingConfig');
  if (c === undefined) return undefined;
  const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
  const out: Record<string, string> = {
    LogFormat: oneOf(c.LogFormat, 'loggingConfig.logFormat', ['Text', 'JSON'] as const) ?? 'Text',
    LogGroup: string(c.LogGroup, 'loggingConfig.logGroup', 512) ?? `/aws/lambda/${name}`,
  };
  const app = oneOf(c.ApplicationLogLevel, 'loggingConfig.applicationLogLevel', levels);
  const sys = oneOf(c.SystemLogLevel, 'loggingConfig.systemLogLevel', ['DEBUG', 'INFO', 'WARN'] as const);
  if (app !== undefined) out.ApplicationLogLevel = app;
  if (sys !== undefined) out.SystemLogLevel = sys;
  return out;
}

export function tracingConfig(v: unknown): { Mode: string } | undefined {
  const c = object(v, 'TracingConfig');
  if (c === undefined) return undefined;
  return { Mode: oneOf(c.Mode, 'tracingConfig.mode', ['PassThrough', 'Active'] as const) ?? 'PassThrough' };
}

export function architectures(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length !== 1) throw invalid('Architectures must list exactly one architecture');
  return [oneOf(v[0], 'architectures', ['x86_64', 'arm64'] as const) ?? 'x86_64'];
}

export function ephemeralStorage(v: unknown): { Size: number } | undefined {
  const c = object(v, 'EphemeralStorage');
  if (c === undefined) return undefined;
  return { Size: intIn(c.Size, 'EphemeralStorage.Size', 512, 10240) ?? 512 };
}

/** Members sluice cannot honour are refused rather than silently dropped. */
export function unsupported(body: Body): void {
  if (Array.isArray(body.Layers) && body.Layers.length > 0) throw invalid('Layers are not supported by sluice');
  if (body.Publish === true)
    throw invalid('Publish is not supported by sluice: it runs $LATEST only (no versions); leave Publish false');
  if (body.PackageType !== undefined && body.PackageType !== 'Zip')
    throw invalid('PackageType Image is not supported by sluice: use a Zip package');
}
