// Helpers of the Function API e2e tests: services started for a file (each stopped after it), SDK clients that
// never retry, and the error an SDK call ends with.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, expect } from 'vitest';
import { startService, type Service } from './service.js';

export const ACCOUNT = '000000000000';
export const arnOf = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
/** Functions with an unreachable http endpoint: cheap, never invoked. */
export const idle = { Runtime: 'http', Url: 'http://127.0.0.1:1/' };

/** Registers an afterAll that destroys the clients and stops every service started, even when one failed to start. */
export function serviceSet(): { start(config: object): Promise<Service>; client(s: Service): LambdaClient } {
  const started: Service[] = [];
  const clients: LambdaClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.destroy();
    for (const s of started) expect(await s.stop()).toBe(0);
  });
  return {
    async start(config) {
      const s = await startService(config);
      started.push(s);
      return s;
    },
    client(s) {
      const c = new LambdaClient({
        endpoint: s.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        maxAttempts: 1,
      });
      clients.push(c);
      return c;
    },
  };
}

export async function errorOf(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected an error');
}

/** `n` idle functions f00, f01, … */
export function manyFunctions(n: number): Record<string, object> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${String(i).padStart(2, '0')}`, idle]));
}
