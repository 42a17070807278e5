// SIGTERM at any moment of a start ends the service cleanly: a signal that lands while it is starting (here, on
// its first log line) is kept and acted on once started, instead of killing the process by the default action.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { MAIN, writeConfig } from './service.js';

it('SIGTERM on the first log line of a start drains and exits 0 (never killed by the signal)', async () => {
  const file = await writeConfig({
    server: { port: 0 },
    functions: { fn: { Handler: 'functions.echo', CodeUri: 'test/fixtures/e2e' } },
    eventSourceMappings: [{ FunctionName: 'fn', EventSourceArn: 'memory://queue/alpha' }],
  });
  for (let round = 0; round < 3; round++) {
    const child = spawn(process.execPath, [MAIN, 'start', '--config', file, '--workers', '1'], {
      env: { ...process.env, SLUICE_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (logs.push(line) === 1) child.kill('SIGTERM');
    });
    createInterface({ input: child.stderr }).on('line', (line) => logs.push(line));
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on('exit', (c, s) => resolve([c, s])),
    );
    expect({ code, signal }, logs.join('\n')).toEqual({ code: 0, signal: null });
    expect(
      logs.some((l) => l.includes('sluice stopped')),
      logs.join('\n'),
    ).toBe(true);
  }
});
