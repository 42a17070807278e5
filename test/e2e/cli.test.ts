import { describe, expect, it } from 'vitest';
import { runCli, writeConfig } from './service.js';

describe('sluice CLI', () => {
  it('validate exits 0 on the embedded default', async () => {
    const r = await runCli(['validate', '--config', 'config/sluice.json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/is valid/);
  });

  it('validate exits 2 and lists every problem with its JSON path', async () => {
    const file = await writeConfig({
      functions: { f: { Handler: 'a.b', Timeout: 0 } },
      eventSourceMappings: [
        { FunctionName: 'g', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:q', BatchSize: 50 },
      ],
    });
    const r = await runCli(['validate', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('functions.f.Timeout');
    expect(r.stderr).toContain('eventSourceMappings[0].FunctionName');
    expect(r.stderr).toContain('eventSourceMappings[0].MaximumBatchingWindowInSeconds');
  });

  it('start refuses an invalid config with exit 2 and never listens', async () => {
    const file = await writeConfig({ server: { host: '0.0.0.0', port: 0 } });
    const r = await runCli(['start', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('server.auth');
  });

  it('--help everywhere, unknown command exits 2', async () => {
    for (const args of [['--help'], ['start', '--help'], ['validate', '--help'], ['test-pattern', '--help']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage/);
    }
    expect((await runCli(['bogus'])).code).toBe(2);
  });
});
