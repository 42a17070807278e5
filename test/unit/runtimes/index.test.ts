import { describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../../src/ports/function-runtime.js';
import {
  createRuntime,
  HttpRuntime,
  LambdaRuntime,
  NodejsRuntime,
  type RuntimeKind,
} from '../../../src/runtimes/index.js';

const spec: FunctionSpec = {
  name: 'fn',
  arn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
  timeoutMs: 3000,
  memorySizeMb: 128,
  environment: {},
  settings: { Handler: 'app.handler', Url: 'http://127.0.0.1:1/', Endpoint: 'http://127.0.0.1:1' },
};

describe('createRuntime', () => {
  it('builds each runtime kind', async () => {
    const made = [createRuntime(spec, 'nodejs'), createRuntime(spec, 'http'), createRuntime(spec, 'lambda')];
    expect(made[0]).toBeInstanceOf(NodejsRuntime);
    expect(made[1]).toBeInstanceOf(HttpRuntime);
    expect(made[2]).toBeInstanceOf(LambdaRuntime);
    await Promise.all(made.map((rt) => rt.close()));
  });

  it('rejects an unknown kind and missing settings', () => {
    expect(() => createRuntime(spec, 'python' as RuntimeKind)).toThrow(/unknown runtime python/);
    expect(() => createRuntime({ ...spec, settings: {} }, 'nodejs')).toThrow(/Handler is required/);
    expect(() => createRuntime({ ...spec, settings: {} }, 'http')).toThrow(/Url is required/);
  });
});
