// #20 item 6: the info gauges. sluice_build_info says which versions run; sluice_mapping_info has one series per
// running mapping, gone when the mapping is not running (still retrying its source, or stopped).
import { describe, expect, it } from 'vitest';
import { MappingStateBoard } from '../../../src/app/mapping-view.js';
import { MappingSupervisor } from '../../../src/app/mapping-supervisor.js';
import type { MappingDeps } from '../../../src/app/mappings.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { PrometheusMetrics } from '../../../src/observability/prometheus.js';
import { sluiceVersion } from '../../../src/observability/version.js';
import type { Logger } from '../../../src/ports/logger.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const arn = (q: string) => `arn:aws:sqs:us-east-1:000000000000:${q}`;

function config() {
  const r = loadConfigText(
    JSON.stringify({
      connections: { sqs: { type: 'sqs', endpoint: 'http://127.0.0.1:1' } },
      functions: { f: { Handler: 'x.handler' } },
      eventSourceMappings: ['up', 'down'].map((q) => ({ FunctionName: 'f', EventSourceArn: arn(q) })),
    }),
    'test.json',
    {},
  );
  if (r.config === undefined) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

const infoLines = async (metrics: PrometheusMetrics) =>
  (await metrics.text()).split('\n').filter((l) => l.startsWith('sluice_mapping_info{'));

describe('info metrics', () => {
  it('sluice_build_info carries the package and Node.js versions, value 1', async () => {
    const text = await new PrometheusMetrics().text();
    expect(sluiceVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(text).toContain(`sluice_build_info{version="${sluiceVersion()}",node_version="${process.versions.node}"} 1`);
  });

  it('sluice_mapping_info: one series per running mapping, removed when it stops', async () => {
    const cfg = config();
    const metrics = new PrometheusMetrics();
    const deps = { metrics, logger: quiet } as unknown as MappingDeps;
    const [up, down] = cfg.mappings as [(typeof cfg.mappings)[0], (typeof cfg.mappings)[0]];
    // 'down' never reaches its source: it retries and must not show as running.
    const supervisor = new MappingSupervisor(cfg, deps, new MappingStateBoard(), { baseMs: 5, maxMs: 20 }, (_c, m) =>
      m.uuid === down.uuid
        ? Promise.reject(new Error('connect ECONNREFUSED'))
        : Promise.resolve({ uuid: m.uuid, stop: () => Promise.resolve() }),
    );
    await supervisor.start();
    expect(await infoLines(metrics)).toEqual([
      `sluice_mapping_info{mapping="${up.uuid}",function="f",event_source_arn="${arn('up')}"} 1`,
    ]);
    await supervisor.stop(0);
    expect(await infoLines(metrics)).toEqual([]);
    expect(await metrics.text()).toContain('# TYPE sluice_mapping_info gauge');
  });
});
