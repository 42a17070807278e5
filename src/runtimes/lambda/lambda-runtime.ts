// The lambda runtime: invokes a real Lambda or any Lambda-API endpoint (LocalStack, `sam local
// start-lambda`, another sluice) and maps the answer onto InvokeResult as ERR-7 says.
import { performance } from 'node:perf_hooks';
import { InvokeCommand, LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { externalCode } from '../../ports/errors.js';
import type { FunctionRuntime, FunctionSpec, InvokeRequest, InvokeResult } from '../../ports/function-runtime.js';
import { functionError, timeoutBody } from '../shared/error-body.js';
import { regionOf } from '../shared/region.js';

interface CredentialsSetting {
  AccessKeyId?: string;
  SecretAccessKey?: string;
  SessionToken?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

export interface LambdaRuntimeOptions {
  /** How long past the function timeout to wait for an answer before giving up (default 5 s). */
  timeoutMarginMs?: number;
}

export class LambdaRuntime implements FunctionRuntime {
  private readonly client: LambdaClient;
  private readonly functionName: string;
  private readonly qualifier: string | undefined;
  private readonly timeoutMarginMs: number;

  constructor(
    private readonly spec: FunctionSpec,
    options: LambdaRuntimeOptions = {},
  ) {
    this.timeoutMarginMs = options.timeoutMarginMs ?? 5000;
    const s = spec.settings;
    this.functionName = typeof s.FunctionName === 'string' && s.FunctionName ? s.FunctionName : spec.name;
    this.qualifier = typeof s.Qualifier === 'string' && s.Qualifier ? s.Qualifier : undefined;
    const config: LambdaClientConfig = {
      region: typeof s.Region === 'string' && s.Region ? s.Region : regionOf(spec),
      // Retries belong to the invoker and the engines, which count attempts and throttles themselves.
      maxAttempts: 1,
    };
    if (typeof s.Endpoint === 'string' && s.Endpoint) config.endpoint = s.Endpoint;
    const credentials = credentialsFrom(s.Credentials);
    if (credentials) config.credentials = credentials;
    this.client = new LambdaClient(config);
  }

  async invoke(req: InvokeRequest, signal: AbortSignal): Promise<InvokeResult> {
    const start = performance.now();
    const timeout = new AbortController();
    // The remote side enforces the function timeout; this margin only stops waiting forever.
    const timer = setTimeout(() => timeout.abort(), this.spec.timeoutMs + this.timeoutMarginMs);
    const abortSignal = AbortSignal.any([signal, timeout.signal]);
    try {
      const out = await this.client.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          Qualifier: this.qualifier,
          InvocationType: 'RequestResponse',
          Payload: req.payload,
          ClientContext: req.clientContext,
          LogType: req.tailLogs ? 'Tail' : 'None',
        }),
        { abortSignal },
      );
      const durationMs = performance.now() - start;
      const payload = out.Payload ? Buffer.from(out.Payload) : Buffer.alloc(0);
      const tail = out.LogResult ? { logTail: Buffer.from(out.LogResult, 'base64').toString('utf8') } : {};
      if (out.FunctionError) {
        const errorType = errorTypeOf(payload) ?? out.FunctionError;
        return { kind: 'function-error', payload, errorType, durationMs, coldStart: false, ...tail };
      }
      return { kind: 'success', payload, durationMs, coldStart: false, ...tail };
    } catch (err) {
      if (timeout.signal.aborted && !signal.aborted) {
        return functionError(timeoutBody(req.requestId, this.spec.timeoutMs), performance.now() - start);
      }
      return mapError(err, this.functionName);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }
}

type SdkError = Error & {
  $metadata?: { httpStatusCode?: number };
  Reason?: string;
  retryAfterSeconds?: string;
  code?: string;
};

// ERR-7: 429 is a throttle; 404, 5xx and network failures are system errors. None use the retry budget.
export function mapError(err: unknown, functionName: string): InvokeResult {
  const e = (err instanceof Error ? err : new Error(String(err))) as SdkError;
  const status = e.$metadata?.httpStatusCode;
  if (e.name === 'TooManyRequestsException' || status === 429) {
    const retryAfter = Number(e.retryAfterSeconds);
    return {
      kind: 'throttle',
      reason: e.Reason ?? 'ConcurrentInvocationLimitExceeded',
      message: e.message || 'Rate Exceeded.',
      ...(Number.isFinite(retryAfter) && e.retryAfterSeconds !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    };
  }
  if (e.name === 'ResourceNotFoundException' || status === 404) {
    return { kind: 'system-error', statusCode: 404, errorType: 'ResourceNotFoundException', message: e.message };
  }
  if (status !== undefined) {
    return {
      kind: 'system-error',
      statusCode: status,
      errorType: e.name ? externalCode(e.name) : 'ServiceException',
      message: e.message,
    };
  }
  const detail = e.code ? `${e.code} ${e.message}` : e.message;
  return {
    kind: 'system-error',
    statusCode: 502,
    errorType: 'ServiceException',
    message: `${functionName}: ${detail}`,
  };
}

function errorTypeOf(payload: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as { errorType?: unknown };
    return typeof parsed.errorType === 'string' ? parsed.errorType : undefined;
  } catch {
    return undefined;
  }
}

function credentialsFrom(value: unknown): LambdaClientConfig['credentials'] | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const c = value as CredentialsSetting;
  const accessKeyId = c.AccessKeyId ?? c.accessKeyId;
  const secretAccessKey = c.SecretAccessKey ?? c.secretAccessKey;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = c.SessionToken ?? c.sessionToken;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}
