// The function store is the state store: when Redis does not answer at start, sluice still starts (readiness says
// why), config-file functions run, and the API-created ones arrive once Redis answers (the poll retries).
import net from 'node:net';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, expect, it } from 'vitest';
import { startSluice, type Sluice } from './kit.js';

const running: Sluice[] = [];
afterAll(() => Promise.all(running.map((s) => s.stop())));

/** A port that accepts connections and never answers (a hung Redis). */
async function silentPort(): Promise<{ port: number; close: () => void }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

it('a state store that does not answer neither stops nor holds up the start beyond a bound; file functions run', async () => {
  const silent = await silentPort();
  try {
    const started = Date.now();
    const s = await startSluice({
      connections: { redis: { type: 'redis', url: `redis://127.0.0.1:${silent.port}` } },
      state: { type: 'redis', connection: 'redis' },
      functions: { fromFile: { Handler: 'functions/hello.handler', CodeUri: 'config' } },
      server: { port: 0, shutdownGraceSeconds: 1 },
    });
    running.push(s);
    expect(Date.now() - started).toBeLessThan(20_000);
    const out = await s.client.send(new InvokeCommand({ FunctionName: 'fromFile', Payload: '{}' }));
    expect(out.StatusCode).toBe(200);
  } finally {
    silent.close();
  }
});
