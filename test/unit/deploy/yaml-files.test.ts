// Every YAML file of deploy/ parses (all documents of multi-document files).
import { describe, expect, it } from 'vitest';
import { filesUnder, yamlDocs } from './helpers.js';

const files = filesUnder('deploy').filter((f) => /\.ya?ml$/.test(f));

describe('deploy/ YAML files', () => {
  it('finds the compose files, the Prometheus files, the Grafana provisioning and the manifests', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'deploy/docker-compose.yml',
        'deploy/docker-compose.sluice.yml',
        'deploy/prometheus/prometheus.yml',
        'deploy/prometheus/alerts.yml',
        'deploy/grafana/provisioning/dashboards/sluice.yml',
        'deploy/grafana/provisioning/datasources/prometheus.yml',
        'deploy/kubernetes/deployment.yaml',
      ]),
    );
  });

  it.each(files)('%s parses', (file) => {
    const docs = yamlDocs(file);
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) expect(typeof d).toBe('object');
  });
});
