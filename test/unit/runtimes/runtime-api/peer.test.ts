// RT-1: the Runtime API is local to its environment: a connection from a process outside the environment's
// process tree is closed before it is read (Linux /proc; elsewhere loopback is the only bound).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { peerIsProcessTree } from '../../../../src/runtimes/runtime-api/peer.js';
import { RuntimeApiServer } from '../../../../src/runtimes/runtime-api/server.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function serverFor(rootPid: () => number | undefined): Promise<string> {
  const server = new RuntimeApiServer('arn:aws:lambda:eu-west-1:123456789012:function:fn', {
    initDone: () => {},
    initError: () => {},
    response: () => {},
    error: () => {},
    peerAllowed: (socket) => peerIsProcessTree(socket, rootPid()) !== false,
  });
  cleanups.push(() => server.close());
  return `http://${await server.listen()}/2020-01-01/extension/register`;
}

describe.runIf(process.platform === 'linux')('Runtime API peer check', () => {
  it('RT-1 a process outside the environment is refused; the environment itself is served', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanups.push(() => other.kill('SIGKILL'));
    const refused = await serverFor(() => other.pid);
    await expect(fetch(refused, { method: 'POST' })).rejects.toThrow();
    // The test process stands in for the environment: its own connection is accepted (404 from the API).
    const served = await serverFor(() => process.pid);
    expect((await fetch(served, { method: 'POST' })).status).toBe(404);
  });

  it("RT-1 a dual-stack IPv6 client (Java's default) connecting to 127.0.0.1 is recognised as the environment", async () => {
    const url = new URL(await serverFor(() => process.pid));
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = http.request(
        { host: '::ffff:127.0.0.1', family: 6, port: Number(url.port), path: url.pathname, method: 'POST' },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
  });
});
