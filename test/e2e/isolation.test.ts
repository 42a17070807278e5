// Issue #14 item 8: a function that blocks its event loop must not delay other functions or the HTTP API.
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startService, type Service } from './service.js';

let svc: Service;

beforeAll(async () => {
  svc = await startService({
    functions: {
      spin: { Handler: 'functions.spin', CodeUri: FIXTURES, Timeout: 8 },
      echo: { Handler: 'functions.echo', CodeUri: FIXTURES },
    },
  });
});
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
});

const invoke = (name: string, event: unknown) =>
  fetch(`${svc.url}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body: JSON.stringify(event) });

describe('function isolation through the built service', () => {
  it('a handler busy-looping for 30 s delays neither another function nor /healthz; its timeout ends it (D-8)', async () => {
    const spinning = invoke('spin', { ms: 30_000 });
    // Give the spinner time to start and block its own environment.
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    const health = await fetch(`${svc.url}/healthz`);
    expect(health.status).toBe(200);
    const echo = await invoke('echo', { ok: true });
    expect(echo.status).toBe(200);
    expect(await echo.json()).toMatchObject({ event: { ok: true } });
    // Generous bound, far below the spinner's 30 s: one cold start and two requests.
    expect(Date.now() - started).toBeLessThan(5000);
    // The blocked environment cannot answer its own timeout: it is killed from outside.
    const timedOut = await spinning;
    expect(timedOut.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await timedOut.json()).toMatchObject({ errorType: 'Sandbox.Timedout' });
  });
});

describe('environments do not outlive the service', () => {
  it('SIGKILL of the service also ends an environment stuck in a busy loop', async () => {
    const other = await startService({
      functions: { spin: { Handler: 'functions.spin', CodeUri: FIXTURES, Timeout: 900 } },
    });
    const pid = other.child.pid!;
    const spinning = fetch(`${other.url}/2015-03-31/functions/spin/invocations`, {
      method: 'POST',
      body: JSON.stringify({ ms: 600_000 }),
    });
    spinning.catch(() => {}); // the service is killed under it
    const children = (): number[] => {
      try {
        return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
          readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
        );
      } catch {
        return [];
      }
    };
    await expect.poll(children, { timeout: 10_000 }).toHaveLength(1);
    const [env] = children();
    // Wait until it is in the handler's loop (it has burnt CPU), not idle where a closed IPC channel ends it.
    const cpuTicks = (): number => {
      const stat = readFileSync(`/proc/${env}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[11]);
    };
    await expect.poll(cpuTicks, { timeout: 15_000 }).toBeGreaterThan(100);
    other.child.kill('SIGKILL');
    await other.stop();
    // Gone, or a zombie waiting for init to reap it: either way no longer running.
    const running = (): boolean => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${env}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    await expect.poll(running, { timeout: 10_000 }).toBe(false);
  });
});
