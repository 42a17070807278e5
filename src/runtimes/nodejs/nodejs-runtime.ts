// The nodejs runtime: Lambda handlers in reusable execution environments, each a child process (default)
// or, as an opt-in for speed, a worker thread. The pool (environments on demand within the shared budget,
// reuse, reaping, timeouts) is the shared PooledRuntime; this file only starts nodejs environments.
import path from 'node:path';
import type { FunctionSpec } from '../../ports/function-runtime.js';
import type { ErrorBody } from '../shared/error-body.js';
import { FUNCTION_VERSION, functionEnv, logGroupName } from '../shared/lambda-environment.js';
import { PooledRuntime, type PooledRuntimeOptions } from '../shared/pooled-runtime.js';
import { Environment } from './environment.js';
import type { Isolation } from './hosts.js';

export interface NodejsRuntimeOptions extends PooledRuntimeOptions {
  /** 'process' (default): a child process per environment; 'worker': a worker thread in the service. */
  isolation?: Isolation;
}

export class NodejsRuntime extends PooledRuntime<Environment> {
  private readonly handler: string;
  private readonly taskRoot: string;
  private readonly isolation: Isolation;
  private readonly jsonLogs: boolean;

  constructor(spec: FunctionSpec, options: NodejsRuntimeOptions = {}) {
    super(spec, options);
    const handler = spec.settings.Handler;
    if (typeof handler !== 'string' || handler === '') {
      throw new Error(`function ${spec.name}: settings.Handler is required for the nodejs runtime`);
    }
    this.handler = handler;
    const codeUri = spec.settings.CodeUri;
    this.taskRoot = path.resolve(typeof codeUri === 'string' ? codeUri : '.');
    const isolation: unknown = spec.settings.Isolation ?? options.isolation ?? 'process';
    if (isolation !== 'process' && isolation !== 'worker') {
      throw new Error(`function ${spec.name}: settings.Isolation must be "process" or "worker"`);
    }
    this.isolation = isolation;
    const logging = spec.settings.LoggingConfig as { LogFormat?: string } | undefined;
    this.jsonLogs = logging?.LogFormat === 'JSON';
    this.joinBudget();
  }

  protected createEnvironment(logStreamName: string): Environment {
    return new Environment({
      data: {
        handler: this.handler,
        taskRoot: this.taskRoot,
        functionName: this.spec.name,
        functionVersion: FUNCTION_VERSION,
        invokedFunctionArn: this.spec.arn,
        memoryLimitInMB: String(this.spec.memorySizeMb),
        logGroupName: logGroupName(this.spec),
        logStreamName,
      },
      env: functionEnv(this.spec, this.handler, this.taskRoot, logStreamName),
      memorySizeMb: this.spec.memorySizeMb,
      isolation: this.isolation,
    });
  }

  // The Node.js runtime logs every failed invocation as "Invoke Error".
  protected override errorLogLine(requestId: string, error: ErrorBody): string {
    return this.jsonLogs
      ? `${JSON.stringify({ timestamp: new Date().toISOString(), level: 'ERROR', requestId, message: 'Invoke Error', errorType: error.errorType, errorMessage: error.errorMessage, stackTrace: error.trace ?? [] })}\n`
      : `${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(error)}\n`;
  }
}
