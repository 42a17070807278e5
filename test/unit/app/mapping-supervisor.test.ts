// The mapping supervisor (issue #13 "one unreachable source stops the service"): a mapping that cannot start is
// retried with backoff while the others run, its state and error are reported, a config error at the first
// attempt still refuses to start, and stop() ends retries and running mappings.
import { describe, expect, it } from 'vitest';
import { MappingStateBoard } from '../../../src/app/mapping-view.js';
import { MappingSupervisor, redact } from '../../../src/app/mapping-supervisor.js';
import type { MappingDeps, RunningMapping } from '../../../src/app/mappings.js';
import { readinessProbe } from '../../../src/app/readiness.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { LambdaApiError, SluiceError } from '../../../src/ports/errors.js';
import type { Logger } from '../../../src/ports/logger.js';
import type { Labels, Metrics } from '../../../src/ports/metrics.js';
import type { StateStore } from '../../../src/ports/state.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

class Gauges implements Metrics {
  readonly values = new Map<string, number>();
  inc() {}
  observe() {}
  set(name: string, labels: Labels, value: number) {
    this.values.set(`${name}{${labels.mapping},${labels.state}}`, value);
  }
}

function config() {
  const mapping = (q: string) => ({ FunctionName: 'f', EventSourceArn: `arn:aws:sqs:us-east-1:000000000000:${q}` });
  const r = loadConfigText(
    JSON.stringify({
      connections: { sqs: { type: 'sqs', endpoint: 'http://127.0.0.1:1' } },
      functions: { f: { Handler: 'x.handler' } },
      eventSourceMappings: [mapping('a'), mapping('b')],
    }),
    'test.json',
    {},
  );
  if (r.config === undefined) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

function setup(fail: (uuid: string, attempt: number) => Error | undefined) {
  const cfg = config();
  const metrics = new Gauges();
  const board = new MappingStateBoard();
  const attempts = new Map<string, number>();
  const stopped: string[] = [];
  const deps = { metrics, logger: quiet } as unknown as MappingDeps;
  const supervisor = new MappingSupervisor(cfg, deps, board, { baseMs: 5, maxMs: 20 }, (_c, m) => {
    const n = (attempts.get(m.uuid) ?? 0) + 1;
    attempts.set(m.uuid, n);
    const err = fail(m.uuid, n);
    if (err !== undefined) return Promise.reject(err);
    const running: RunningMapping = { uuid: m.uuid, stop: () => Promise.resolve(void stopped.push(m.uuid)) };
    return Promise.resolve(running);
  });
  const [a, b] = cfg.mappings.map((m) => m.uuid) as [string, string];
  return { supervisor, metrics, board, attempts, stopped, a, b };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('MappingSupervisor', () => {
  it('retries a mapping whose source is unreachable while the others run, reporting state and error', async () => {
    const t = setup((uuid, n) => (uuid !== 'x' && n < 3 ? new Error('connect ECONNREFUSED 127.0.0.1:1') : undefined));
    const { supervisor, metrics, board, a, b } = t;
    // Only mapping a is unreachable at first.
    t.attempts.set(b, 10);
    await supervisor.start();
    expect(supervisor.statuses()).toEqual([
      expect.objectContaining({ uuid: a, state: 'retrying', error: 'connect ECONNREFUSED 127.0.0.1:1' }),
      expect.objectContaining({ uuid: b, state: 'running' }),
    ]);
    expect(board.get(a)?.state).toBe('Creating');
    expect(board.get(b)?.state).toBe('Enabled');
    expect(metrics.values.get(`sluice_mapping_state{${a},retrying}`)).toBe(1);
    expect(metrics.values.get(`sluice_mapping_state{${a},running}`)).toBe(0);
    await until(() => supervisor.statuses()[0]!.state === 'running');
    expect(t.attempts.get(a)).toBe(3);
    expect(supervisor.statuses()[0]!.error).toBeUndefined();
    expect(metrics.values.get(`sluice_mapping_state{${a},running}`)).toBe(1);
    await supervisor.stop(0);
    expect(t.stopped.sort()).toEqual([a, b].sort());
    expect(board.get(a)?.state).toBe('Disabled');
  });

  it('P-6 and other config errors at the first attempt refuse to start (and stop what started)', async () => {
    const t = setup((uuid, n) =>
      uuid === t.b && n === 1
        ? new SluiceError('InvalidConfig', 'visibility timeout below function timeout')
        : undefined,
    );
    await expect(t.supervisor.start()).rejects.toThrow(/visibility timeout/);
    expect(t.stopped).toEqual([t.a]);
  });

  it('the first attempt branches on retryable (#16 item 3): no-retry errors refuse to start, retryable ones retry', async () => {
    const refused = setup((uuid, n) =>
      uuid === refused.b && n === 1
        ? new LambdaApiError('InvalidParameterValueException', 400, 'BatchSize must be between 1 and 10')
        : undefined,
    );
    await expect(refused.supervisor.start()).rejects.toThrow(/BatchSize/);
    const retried = setup((uuid, n) =>
      uuid === retried.b && n === 1 ? new SluiceError('NotReady', 'async engine not started') : undefined,
    );
    await retried.supervisor.start();
    await until(() => retried.supervisor.statuses()[1]!.state === 'running');
    expect(retried.attempts.get(retried.b)).toBe(2);
    await retried.supervisor.stop(0);
  });

  it('stop() ends the retries of a mapping that never starts', async () => {
    const t = setup(() => new Error('down'));
    await t.supervisor.start();
    await until(() => (t.attempts.get(t.a) ?? 0) >= 2);
    await t.supervisor.stop(0);
    const n = t.attempts.get(t.a);
    await new Promise((r) => setTimeout(r, 60));
    expect(t.attempts.get(t.a)).toBe(n);
    expect(t.supervisor.statuses().map((s) => s.state)).toEqual(['stopped', 'stopped']);
  });

  it('a started stream mapping is starting until it lists its shards, retrying while its source fails', async () => {
    const cfg = config();
    let discovery: { state: 'starting' | 'retrying'; error?: string } | undefined = { state: 'starting' };
    const deps = { metrics: new Gauges(), logger: quiet } as unknown as MappingDeps;
    const supervisor = new MappingSupervisor(cfg, deps, new MappingStateBoard(), { baseMs: 5, maxMs: 20 }, (_c, m) =>
      Promise.resolve({ uuid: m.uuid, stop: () => Promise.resolve(), problem: () => discovery }),
    );
    await supervisor.start();
    expect(supervisor.statuses()[0]).toMatchObject({ state: 'starting' });
    discovery = { state: 'retrying', error: 'Connection error: connect ECONNREFUSED' };
    expect(supervisor.statuses()[0]).toMatchObject({ state: 'retrying', error: discovery.error });
    discovery = undefined;
    expect(supervisor.statuses()[0]).toEqual(expect.objectContaining({ state: 'running' }));
    expect(supervisor.statuses()[0]!.error).toBeUndefined();
    await supervisor.stop(0);
  });

  it('redacts URL credentials in errors', () => {
    expect(redact('connect to redis://user:secret@host:6379 failed')).toBe('connect to redis://***@host:6379 failed');
  });
});

describe('readinessProbe', () => {
  const store = (ping: () => Promise<void>) => ({ ping }) as unknown as StateStore;

  it('is ready when started, the store answers and every mapping runs', async () => {
    const probe = readinessProbe({ started: () => true, store: store(() => Promise.resolve()), mappings: () => [] });
    expect(await probe()).toEqual({ ready: true, stateStore: 'ok', mappingsNotRunning: [] });
  });

  it('reports a state store that does not answer in time, and mappings not running', async () => {
    const notRunning = { uuid: 'u', functionName: 'f', eventSourceArn: 'arn', state: 'retrying' as const, error: 'x' };
    const probe = readinessProbe({
      started: () => true,
      store: store(() => new Promise(() => undefined)),
      mappings: () => [notRunning],
      pingTimeoutMs: 20,
    });
    expect(await probe()).toEqual({
      ready: false,
      stateStore: 'not answering',
      stateStoreError: 'no answer within 20 ms',
      mappingsNotRunning: [notRunning],
    });
  });
});
