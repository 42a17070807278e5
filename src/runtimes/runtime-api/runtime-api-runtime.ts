// Runtimes that speak the Lambda Runtime API (RT-17, RT-20, RT-21): `provided.*` runs the function's own
// `bootstrap`, `python3.x` the official awslambdaric. Each environment is a child process with Lambda's variables
// and only the function's own, pooled, bounded and reaped like nodejs environments (shared/pooled-runtime.ts).
import path from 'node:path';
import type { FunctionSpec } from '../../ports/function-runtime.js';
import { functionEnv } from '../shared/lambda-environment.js';
import { PooledRuntime, type PooledRuntimeOptions } from '../shared/pooled-runtime.js';
import { RuntimeApiEnvironment } from './environment.js';

export const PROVIDED_RUNTIMES = ['provided.al2023', 'provided.al2'] as const;
export const PYTHON_RUNTIMES = ['python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14'] as const;
export const JAVA_RUNTIMES = ['java21', 'java17'] as const;
export type RuntimeApiKind =
  (typeof PROVIDED_RUNTIMES)[number] | (typeof PYTHON_RUNTIMES)[number] | (typeof JAVA_RUNTIMES)[number];

/** The Java client's entry point (RT-19). */
const JAVA_MAIN = 'com.amazonaws.services.lambda.runtime.api.client.AWSLambda';

export interface RuntimeApiRuntimeOptions extends PooledRuntimeOptions {
  /** The Python interpreter that has awslambdaric installed (a venv's bin/python); default `python3`. */
  pythonInterpreter?: string;
  /** The `java` executable; default `java`. */
  javaCommand?: string;
  /** A directory of the Java runtime interface client's jars (aws-lambda-java-runtime-interface-client and deps). */
  javaClasspath?: string;
}

interface Launch {
  command: string;
  args: string[];
  handler: string;
  /** AWS_EXECUTION_ENV; OS-only runtimes have none (RT-15). */
  executionEnv: string | null;
}

export class RuntimeApiRuntime extends PooledRuntime<RuntimeApiEnvironment> {
  private readonly taskRoot: string;
  private readonly launch: Launch;

  constructor(spec: FunctionSpec, kind: RuntimeApiKind, options: RuntimeApiRuntimeOptions = {}) {
    super(spec, options);
    const codeUri = spec.settings.CodeUri;
    this.taskRoot = path.resolve(typeof codeUri === 'string' ? codeUri : '.');
    const handler = typeof spec.settings.Handler === 'string' ? spec.settings.Handler : '';
    if (kind.startsWith('python')) {
      if (handler === '') throw new Error(`function ${spec.name}: settings.Handler is required for ${kind}`);
      const python = options.pythonInterpreter ?? 'python3';
      // RT-17: python -m awslambdaric <module.function>, code root = cwd (on sys.path through -m).
      this.launch = {
        command: python,
        args: ['-m', 'awslambdaric', handler],
        handler,
        executionEnv: `AWS_Lambda_${kind}`,
      };
    } else if (kind.startsWith('java')) {
      if (handler === '') throw new Error(`function ${spec.name}: settings.Handler is required for ${kind}`);
      if (options.javaClasspath === undefined)
        throw new Error(`function ${spec.name}: ${kind} needs runtimes.java.classpath (the runtime client's jars)`);
      // RT-19: the code root, its lib/*.jar and the client's jars.
      const cp = [this.taskRoot, path.join(this.taskRoot, 'lib', '*'), path.join(options.javaClasspath, '*')];
      this.launch = {
        command: options.javaCommand ?? 'java',
        args: ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', cp.join(':'), JAVA_MAIN, handler],
        handler,
        executionEnv: `AWS_Lambda_${kind}`,
      };
    } else {
      // RT-21: the code root's bootstrap; missing or not executable fails each invocation (Runtime.InvalidEntrypoint).
      this.launch = { command: path.join(this.taskRoot, 'bootstrap'), args: [], handler, executionEnv: null };
    }
    this.joinBudget();
  }

  protected createEnvironment(logStreamName: string): RuntimeApiEnvironment {
    const { command, args, handler, executionEnv } = this.launch;
    return new RuntimeApiEnvironment({
      command,
      args,
      cwd: this.taskRoot,
      env: functionEnv(this.spec, handler, this.taskRoot, logStreamName, executionEnv),
      memorySizeMb: this.spec.memorySizeMb,
      functionArn: this.spec.arn,
    });
  }
}
