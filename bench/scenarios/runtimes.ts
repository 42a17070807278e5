// Runtime families (#19): sequential no-op invocations on one warm environment of each runtime: nodejs in-process
// (worker thread) and as a child process, provided.al2023 as a bash and as a Go bootstrap, java21 and python3.12 on the official clients.
// Per row: invocations/s and the p50/p99 of one invoke, measured at the runtime (FunctionRuntime.invoke), not over
// HTTP; no raw side. Needs the cached awslambdaric venv and Go build (`npm run services:install`).
import { randomUUID } from 'node:crypto';
import type { FunctionRuntime, FunctionSpec } from '../../src/ports/function-runtime.js';
import { NodejsRuntime } from '../../src/runtimes/nodejs/nodejs-runtime.js';
import { RuntimeApiRuntime } from '../../src/runtimes/runtime-api/runtime-api-runtime.js';
import { buildGoBootstrap } from '../../test/services/go-bootstrap.js';
import { buildJavaHandler, installJavaRic } from '../../test/services/java-ric.js';
import { installAwsLambdaRic } from '../../test/services/python-venv.js';
import { quantiles } from '../lib/measure.js';
import type { BenchContext, BenchRow, Scenario, Side } from '../lib/types.js';

const FIXTURES = 'test/fixtures/runtimes';
const payload = Buffer.from('{"hello":"world"}');
const never = new AbortController().signal;

function spec(codeUri: string, handler: string): FunctionSpec {
  const name = `bench-${randomUUID().slice(0, 8)}`;
  return {
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    timeoutMs: 10_000,
    memorySizeMb: 256,
    environment: {},
    settings: { Handler: handler, CodeUri: codeUri },
  };
}

async function measure(invoke: () => Promise<unknown>, n: number): Promise<Side> {
  await invoke(); // the cold start is not counted
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await invoke();
    samples.push(performance.now() - t0);
  }
  return { throughput: n / ((performance.now() - start) / 1000), latency: quantiles(samples) };
}

async function runtimeSide(rt: FunctionRuntime, n: number): Promise<Side> {
  try {
    return await measure(async () => {
      const r = await rt.invoke({ requestId: randomUUID(), payload }, never);
      if (r.kind !== 'success') throw new Error(`no-op invoke failed: ${JSON.stringify(r)}`);
    }, n);
  } finally {
    await rt.close();
  }
}

export const runtimesScenario: Scenario = {
  id: 'runtimes',
  title: 'Runtime families: no-op invocations on one warm environment',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const n = ctx.quick ? 300 : 2000;
    const quiet = { onLog: () => {} };
    const [python, goDir] = await Promise.all([installAwsLambdaRic(), buildGoBootstrap()]);
    const [javaDir, javaClasspath] = [await buildJavaHandler(), await installJavaRic()];
    const node = (isolation: 'worker' | 'process') =>
      new NodejsRuntime(spec(`${FIXTURES}/nodejs`, 'index.handler'), { ...quiet, isolation });
    const families: [string, () => FunctionRuntime][] = [
      ['nodejs (worker thread, in-process)', () => node('worker')],
      ['nodejs (child process)', () => node('process')],
      [
        'provided.al2023 (bash bootstrap)',
        () => new RuntimeApiRuntime(spec(`${FIXTURES}/provided-shell`, 'x'), 'provided.al2023', quiet),
      ],
      [
        'provided.al2023 (Go, aws-lambda-go)',
        () => new RuntimeApiRuntime(spec(goDir, 'bootstrap'), 'provided.al2023', quiet),
      ],
      [
        'java21 (Java runtime interface client)',
        () => new RuntimeApiRuntime(spec(javaDir, 'Handler::handleRequest'), 'java21', { ...quiet, javaClasspath }),
      ],
      [
        'python3.12 (awslambdaric)',
        () =>
          new RuntimeApiRuntime(spec(`${FIXTURES}/python`, 'handler.handler'), 'python3.12', {
            ...quiet,
            pythonInterpreter: python,
          }),
      ],
    ];
    const rows: BenchRow[] = [];
    for (const [name, create] of families) {
      ctx.progress(`runtimes: ${name}`);
      const sluice = await runtimeSide(create(), n);
      rows.push({
        group: 'runtimes',
        name,
        unit: 'invocations/s',
        sluice,
        params: { invocations: n, memorySizeMb: 256 },
        notes: name.includes('bash')
          ? 'bash opens a connection per call and reads sockets a byte at a time; real clients keep one connection'
          : 'one invocation at a time on one warm environment',
      });
    }
    return rows;
  },
};
