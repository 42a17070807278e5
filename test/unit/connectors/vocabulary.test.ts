// One word per connector (issue 16): its folder under connectors/, its connection `type` (the registry kind) and
// the `source` label of its mappings' metrics (the sources' kind).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectors } from '../../../connectors/index.js';
import { MemoryBroker } from '../../../connectors/memory/index.js';

const root = fileURLToPath(new URL('../../../connectors/', import.meta.url));

describe('connector vocabulary', () => {
  it('every connector folder is named after its kind, and every kind has its folder', () => {
    const folders = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
      .map((d) => d.name)
      .sort();
    expect(folders).toEqual(connectors.map((c) => c.kind).sort());
  });

  it('memory queues and streams label their metrics with the connector kind', () => {
    const broker = new MemoryBroker({ visibilityTimeoutMs: 1000, region: 'us-east-1', accountId: '000000000000' });
    expect(broker.queue('q').source().kind).toBe('memory');
    expect(broker.stream('s').source().kind).toBe('memory');
  });

  it("the benchmarks label each row's source with a connector kind (none: the baseline)", () => {
    const file = fileURLToPath(new URL('../../../bench/results/latest.json', import.meta.url));
    const { rows } = JSON.parse(readFileSync(file, 'utf8')) as { rows: Array<{ params?: { source?: string } }> };
    const kinds = new Set([...connectors.map((c) => c.kind), 'none']);
    const sources = rows.flatMap((r) => (r.params?.source === undefined ? [] : [r.params.source]));
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((s) => !kinds.has(s))).toEqual([]);
  });
});
