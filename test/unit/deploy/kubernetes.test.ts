// The Kubernetes manifests fit together (labels, ports, names, paths) and carry a config the loader accepts.
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/loader.js';
import { dockerInstructions, envRefs, filesUnder, yamlDoc, yamlDocs } from './helpers.js';

type Obj = Record<string, unknown>;
interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  args?: string[];
  command?: string[];
  ports: Array<{ name: string; containerPort: number }>;
  env: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
  livenessProbe: Probe;
  readinessProbe: Probe;
  startupProbe?: Probe;
  resources: { requests: Obj; limits: Obj };
  securityContext: { allowPrivilegeEscalation: boolean; readOnlyRootFilesystem?: boolean; capabilities: Obj };
}
interface Deployment {
  metadata: { name: string };
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        terminationGracePeriodSeconds: number;
        securityContext: { runAsNonRoot: boolean; runAsUser: number };
        containers: Container[];
        volumes: Array<{ name: string; configMap?: { name: string } }>;
      };
    };
  };
}

const DIR = 'deploy/kubernetes';
const manifests = filesUnder(DIR).filter((f) => /\.ya?ml$/.test(f));
const byKind = new Map<string, Obj>();
for (const f of manifests)
  for (const d of yamlDocs(f) as Obj[]) if (typeof d.kind === 'string' && d.kind !== 'Secret') byKind.set(d.kind, d);

const deployment = byKind.get('Deployment') as unknown as Deployment;
const pod = deployment.spec.template;
const container = pod.spec.containers[0]!;
const configMap = byKind.get('ConfigMap') as { metadata: { name: string }; data: Record<string, string> };
const configText = configMap.data['sluice.json'] ?? '';
const secretEnv = container.env.filter((e) => e.valueFrom?.secretKeyRef !== undefined);
/** What the Deployment gives the process: every variable set, with a value of the right shape. */
const env = Object.fromEntries(
  container.env.map((e) => [
    e.name,
    e.name === 'REDIS_URL' ? 'redis://redis:6379' : 'a-token-of-32-characters-xxxxxxx',
  ]),
);
const loaded = loadConfigText(configText, '/etc/sluice/sluice.json', env);
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it('every document has apiVersion, kind and a name; kustomization lists every manifest but the Secret example', () => {
    for (const f of manifests)
      for (const d of yamlDocs(f) as Array<{ apiVersion?: string; kind?: string; metadata?: { name?: string } }>) {
        expect(d.apiVersion, f).toBeTruthy();
        expect(d.kind, f).toBeTruthy();
        if (d.kind !== 'Kustomization') expect(d.metadata?.name, f).toBeTruthy();
      }
    const kustomization = yamlDoc<{ resources: string[] }>(`${DIR}/kustomization.yaml`);
    const listed = kustomization.resources.map((r) => `${DIR}/${r}`).sort();
    expect(listed).toEqual(manifests.filter((f) => !/kustomization|secret\.example/.test(f)));
    expect([...byKind.keys()].sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'Kustomization',
        'PodDisruptionBudget',
        'ScaledObject',
        'Service',
        'ServiceMonitor',
      ].sort(),
    );
  });

  it('the ConfigMap JSON passes the config loader with the environment the Deployment sets', () => {
    expect(loaded.problems).toEqual([]);
    expect(loaded.config).toBeDefined();
    // Every ${env:...} of the config is set by the Deployment (from the Secret, never inline).
    expect(envRefs(configText).filter((n) => !secretEnv.some((e) => e.name === n))).toEqual([]);
    // Non-loopback bind: the bearer token is mandatory.
    expect(loaded.config?.server.host).toBe('0.0.0.0');
    expect(loaded.config?.server.auth?.bearerTokens).toHaveLength(1);
    // Several replicas share work only through Redis state (leases, checkpoints, async queue).
    expect(loaded.config?.state.type).toBe('redis');
  });

  it('mounts the ConfigMap where the image CMD reads the config', () => {
    const cmd = dockerInstructions('deploy/Dockerfile')
      .filter((i) => i.keyword === 'CMD')
      .at(-1);
    const configPath = (JSON.parse(cmd?.args ?? '[]') as string[]).at(-1) ?? '';
    expect(container.args ?? container.command).toBeUndefined();
    const volume = pod.spec.volumes.find((v) => v.configMap?.name === configMap.metadata.name);
    const mount = container.volumeMounts.find((m) => m.name === volume?.name);
    expect(`${mount?.mountPath}/sluice.json`).toBe(configPath);
    expect(Object.keys(configMap.data)).toEqual(['sluice.json']);
  });

  it('probes /healthz (liveness, startup) and /readyz (readiness) on the configured port', () => {
    const port = container.ports.find((p) => p.name === 'http');
    expect(port?.containerPort).toBe(loaded.config?.server.port);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
  });

  it('gives SIGTERM more time than server.shutdownGraceSeconds, runs as non-root and sets resources', () => {
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(loaded.config?.server.shutdownGraceSeconds ?? 0);
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(container.securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(container.resources.limits.memory).toBeTruthy();
  });

  it('selectors of Deployment, Service, ServiceMonitor and PodDisruptionBudget line up', () => {
    expect(matches(deployment.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
    const service = byKind.get('Service') as {
      metadata: { name: string; labels: Record<string, string> };
      spec: { selector: Record<string, string>; ports: Array<{ name: string; targetPort: string }> };
    };
    expect(matches(service.spec.selector, pod.metadata.labels)).toBe(true);
    expect(service.spec.ports.map((p) => p.targetPort)).toEqual(['http']);
    const pdb = byKind.get('PodDisruptionBudget') as { spec: { selector: { matchLabels: Record<string, string> } } };
    expect(matches(pdb.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
    const sm = byKind.get('ServiceMonitor') as {
      spec: {
        selector: { matchLabels: Record<string, string> };
        endpoints: Array<{ port: string; path: string; authorization: { credentials: { name: string; key: string } } }>;
      };
    };
    expect(matches(sm.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
    const [endpoint] = sm.spec.endpoints;
    expect(service.spec.ports.map((p) => p.name)).toContain(endpoint?.port);
    expect(endpoint?.path).toBe('/metrics');
  });

  it('Prometheus and the process read the same token from the same Secret key', () => {
    const sm = byKind.get('ServiceMonitor') as {
      spec: { endpoints: Array<{ authorization: { type: string; credentials: { name: string; key: string } } }> };
    };
    const auth = sm.spec.endpoints[0]?.authorization;
    expect(auth?.type).toBe('Bearer');
    const tokenRef = container.env.find((e) => e.name === 'SLUICE_TOKEN')?.valueFrom?.secretKeyRef;
    expect(tokenRef).toEqual(auth?.credentials);
    const example = yamlDoc<{ kind: string; metadata: { name: string }; stringData: Record<string, string> }>(
      `${DIR}/secret.example.yaml`,
    );
    expect(example.kind).toBe('Secret');
    expect(example.metadata.name).toBe(tokenRef?.name);
    // The example Secret holds every key the Deployment reads.
    for (const e of secretEnv) expect(Object.keys(example.stringData)).toContain(e.valueFrom?.secretKeyRef?.key);
  });

  it('the KEDA ScaledObject targets the Deployment', () => {
    const so = byKind.get('ScaledObject') as { spec: { scaleTargetRef: { name: string }; minReplicaCount: number } };
    expect(so.spec.scaleTargetRef.name).toBe(deployment.metadata.name);
    expect(so.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
  });
});
