// #20 item 6: a real sluice's /metrics, with a memory queue mapping, a memory stream mapping and async invocations
// running (successes and failures), passes `promtool check metrics` with no problem at all: seconds as the unit,
// counters ending in _total and nothing else, help on every metric. promtool comes from test/services/promtool.ts;
// in CI (.ci/run builds it in services:install) a missing promtool fails the test, elsewhere it is skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPromtool, promtoolBin, promtoolCheckMetrics } from '../services/promtool.js';
import { existsSync } from 'node:fs';
import { eventually, FIXTURES, metricValue, startService, type Service } from './service.js';

const inCi = process.env.CI === 'true';
const available = inCi || existsSync(promtoolBin());
if (!available) process.stderr.write(`promtool not built (${promtoolBin()}): run npm run services:install\n`);

let svc: Service;
let promtool: string;

beforeAll(async () => {
  if (!available) return;
  promtool = await installPromtool();
  svc = await startService({
    functions: {
      echo: { Handler: 'functions.echo', CodeUri: FIXTURES },
      fail: { Handler: 'functions.fail', CodeUri: FIXTURES },
    },
    eventSourceMappings: [
      { FunctionName: 'echo', EventSourceArn: 'memory://queue/promtool-q' },
      { FunctionName: 'echo', EventSourceArn: 'memory://stream/promtool-s', StartingPosition: 'TRIM_HORIZON' },
    ],
  });
}, 30 * 60_000);
afterAll(async () => {
  if (svc !== undefined) expect(await svc.stop()).toBe(0);
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${svc.url}${path}`, { method: 'POST', body, headers });

describe.runIf(available)('/metrics hygiene', () => {
  it('#20-6 promtool check metrics finds no problem in a running sluice (queue, stream and async)', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await post('/sluice/memory/queues/promtool-q/messages', `m${i}`)).status).toBe(200);
      expect((await post('/sluice/memory/streams/promtool-s/records', `{"n":${i}}`)).status).toBe(200);
    }
    const event = { 'X-Amz-Invocation-Type': 'Event' };
    for (const fn of ['echo', 'fail'])
      expect((await post(`/2015-03-31/functions/${fn}/invocations`, '{}', event)).status).toBe(202);
    await eventually(async () =>
      (await metricValue(svc.url, 'sluice_invoked_events_total', { source: 'memory' })) >= 10 &&
      (await metricValue(svc.url, 'sluice_async_event_age_seconds_count', { function: 'fail' })) >= 1
        ? true
        : undefined,
    );
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    // The exposition really holds what the rules are about.
    for (const name of [
      'sluice_iterator_age_seconds{',
      'sluice_async_event_age_seconds_bucket{',
      'sluice_duration_seconds_bucket{',
      'sluice_mapping_info{',
      'sluice_build_info{',
      'sluice_process_cpu_seconds_total',
      'sluice_nodejs_heap_size_used_bytes',
    ])
      expect(text).toContain(name);
    expect(text).not.toMatch(/sluice_process_process_|_milliseconds|nodejs_active_\w+_total/);
    const check = await promtoolCheckMetrics(promtool, text);
    expect({ code: check.code, problems: `${check.stdout}${check.stderr}`.trim() }).toEqual({ code: 0, problems: '' });
    expect(text.match(/^sluice_mapping_info\{/gm)).toHaveLength(2);
  });
});
