// #20 item 4, every core: what `sluice start --workers N` does when N processes cannot or should not run. The
// real-server run of two workers is test/integration/app/workers.test.ts.
import { expect, it } from 'vitest';
import { FIXTURES, runCli, startService, writeConfig } from './service.js';

it('#20-4 --workers 2 with memory state runs one process and says why', async () => {
  const svc = await startService({ functions: { echo: { Handler: 'functions.echo', CodeUri: FIXTURES } } }, [
    '--workers',
    '2',
  ]);
  expect(svc.logs.some((l) => l.includes('needs state.type \\"redis\\"') && l.includes('running 1 process'))).toBe(
    true,
  );
  expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
  expect(svc.logs.some((l) => l.includes('all workers started'))).toBe(false);
  expect(await svc.stop()).toBe(0);
});

it('#20-4 --workers takes a whole number from 1 to 256', async () => {
  for (const bad of ['0', 'two', '1.5']) {
    const run = await runCli(['start', '--workers', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--workers takes a whole number of processes from 1 to 256, not ${bad}`);
  }
});

it('#20-4 an invalid config with --workers 2 fails once, before any worker starts (exit 2)', async () => {
  const file = await writeConfig({ state: { type: 'redis', connection: 'nowhere' }, server: { port: 0 } });
  const run = await runCli(['start', '--config', file, '--workers', '2']);
  expect(run.code).toBe(2);
  expect(run.stderr.match(/sluice will not start/g)).toHaveLength(1);
});
