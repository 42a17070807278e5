// The Dockerfile, the compose stack and the Prometheus/Grafana files it mounts fit together; nothing is run.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/loader.js';
import { DEPLOY, ROOT, dockerInstructions, envRefs, readJson, readText, yamlDoc } from './helpers.js';

const EXPECTED_CMD = ['node', 'dist/src/main.js', 'start', '--config', '/etc/sluice/sluice.json'];
const instructions = dockerInstructions('deploy/Dockerfile');
const stages = Math.max(...instructions.map((i) => i.stage));
const inStage = (n: number, keyword: string) => instructions.filter((i) => i.stage === n && i.keyword === keyword);
const final = (keyword: string) => inStage(stages, keyword);
const TOKEN = 'a-token-of-32-characters-xxxxxxx';

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  secrets?: string[];
  ports?: string[];
  stop_grace_period?: string;
}
const compose = yamlDoc<{
  services: Record<string, ComposeService>;
  secrets: Record<string, { environment?: string }>;
}>('deploy/docker-compose.sluice.yml');
/** Bind mounts of a compose service as [source relative to the repo, target]. */
const binds = (svc: ComposeService) =>
  (svc.volumes ?? [])
    .filter((v) => v.startsWith('./'))
    .map((v) => {
      const [src, target] = v.split(':');
      return [path.relative(ROOT, path.join(DEPLOY, src!)), target!] as const;
    });
const seconds = (d: string | undefined) => Number(/^(\d+)s$/.exec(d ?? '')?.[1] ?? NaN);

describe('deploy/Dockerfile', () => {
  it('is multi-stage: npm ci + npm run build, then a runtime stage with production dependencies only', () => {
    expect(stages).toBeGreaterThanOrEqual(2);
    const nodeImage = instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    // An exact Node 24 release, the one CI installs (.ci/node24), so image and tests run the same runtime.
    const ciNode = /^NODE_VERSION=(\S+)$/m.exec(readText('.ci/node24'))?.[1];
    expect(ciNode).toMatch(/^24\.\d+\.\d+$/);
    expect(nodeImage?.args).toBe(`NODE_IMAGE=node:${ciNode}-bookworm-slim`);
    const engines = (readJson('package.json') as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(/^>=24\.\d+$/);
    expect(Number(ciNode?.split('.')[1])).toBeGreaterThanOrEqual(Number(engines.split('.')[1]));
    const runs = (n: number) => inStage(n, 'RUN').map((i) => i.args);
    expect(runs(1).join('\n')).toMatch(/npm ci\b/);
    expect(runs(1).join('\n')).toMatch(/npm run build/);
    expect(runs(stages).join('\n')).toMatch(/npm ci --omit=dev/);
    expect(final('COPY').map((c) => c.args)).toContain('--from=build /app/dist ./dist');
  });

  it('runs as a non-root numeric user', () => {
    const user = final('USER').at(-1)?.args ?? 'root';
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
  });

  it('health-checks GET /healthz with node (no curl), on the port it exposes', () => {
    const check = final('HEALTHCHECK').at(-1)?.args ?? '';
    expect(check).toMatch(/CMD \["node", "-e", .*fetch\(process\.env\.SLUICE_HEALTHCHECK_URL\)/);
    const envs = final('ENV')
      .map((e) => e.args)
      .join(' ');
    const url = /SLUICE_HEALTHCHECK_URL=(\S+)/.exec(envs)?.[1] ?? '';
    expect(new URL(url).pathname).toBe('/healthz');
    expect(final('EXPOSE').map((e) => e.args)).toEqual([new URL(url).port]);
  });

  it('CMD starts sluice with /etc/sluice/sluice.json, and dist/src/main.js is what the build emits (the bin)', () => {
    const cmd = JSON.parse(final('CMD').at(-1)?.args ?? '[]') as string[];
    expect(cmd).toEqual(EXPECTED_CMD);
    const pkg = readJson('package.json') as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(path.normalize(pkg.bin.sluice ?? '')).toBe(cmd[1]);
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
    // tsc maps <rootDir>/src/main.ts to <outDir>/src/main.js.
    const build = readJson('tsconfig.build.json') as { extends: string; include: string[] };
    const base = readJson(build.extends) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(build.include).toContain('src');
    expect(path.join(base.compilerOptions.outDir, path.relative(base.compilerOptions.rootDir, 'src/main.js'))).toBe(
      cmd[1],
    );
    expect(existsSync(path.join(ROOT, 'src/main.ts'))).toBe(true);
  });

  it('copies only files that exist and that .dockerignore keeps in the context', () => {
    const ignored = readText('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const sources = instructions
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) {
      expect(existsSync(path.join(ROOT, s)), s).toBe(true);
      expect(ignored, s).not.toContain(s.split('/')[0]);
    }
  });

  it('the default image config (deploy/sluice.docker.json) loads, binds 0.0.0.0 with a token from SLUICE_TOKEN', () => {
    const text = readText('deploy/sluice.docker.json');
    expect(envRefs(text)).toEqual(['SLUICE_TOKEN']);
    const r = loadConfigText(text, '/etc/sluice/sluice.json', { SLUICE_TOKEN: TOKEN });
    expect(r.problems).toEqual([]);
    expect(r.config?.server.host).toBe('0.0.0.0');
    expect(r.config?.server.auth?.bearerTokens).toEqual([TOKEN]);
    expect(String(r.config?.server.port)).toBe(final('EXPOSE')[0]?.args);
    // Handlers are looked up in the image under /app/config (COPY config ./config).
    for (const fn of r.config?.functions.values() ?? []) {
      const codeUri = String(fn.settings.CodeUri).replace(/^\/app\//, '');
      const module = String(fn.settings.Handler).split('.')[0] ?? '';
      expect(existsSync(path.join(ROOT, codeUri, `${module}.mjs`)), fn.name).toBe(true);
    }
  });
});

describe('deploy/docker-compose.sluice.yml', () => {
  const sluice = compose.services.sluice!;
  const configSource = binds(sluice).find(([, target]) => target === '/etc/sluice/sluice.json')?.[0] ?? '';
  const configText = readFileSync(path.join(ROOT, configSource), 'utf8');

  it('runs sluice with Kafka, Redis, ElasticMQ, Prometheus and Grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['grafana', 'kafka', 'prometheus', 'redis', 'sluice', 'sqs']);
    expect(compose.services.sqs?.image).toMatch(/elasticmq/);
    expect(sluice.build?.dockerfile).toBe('deploy/Dockerfile');
    expect(path.resolve(DEPLOY, sluice.build?.context ?? '')).toBe(ROOT);
  });

  it('every bind-mounted file exists', () => {
    for (const svc of Object.values(compose.services))
      for (const [src] of binds(svc)) expect(existsSync(path.join(ROOT, src)), src).toBe(true);
  });

  it("sluice's config loads with the environment compose gives it and reaches the servers by service name", () => {
    expect(envRefs(configText).filter((n) => sluice.environment?.[n] === undefined)).toEqual([]);
    const r = loadConfigText(configText, '/etc/sluice/sluice.json', { SLUICE_TOKEN: TOKEN });
    expect(r.problems).toEqual([]);
    expect(r.config?.state.type).toBe('redis');
    const hosts = Object.values(r.config?.connections ?? {}).flatMap((c) =>
      c.type === 'kafka'
        ? (c.brokers as string[]).map((b) => b.split(':')[0])
        : typeof c.url === 'string'
          ? [new URL(c.url).hostname]
          : typeof c.endpoint === 'string' && c.endpoint !== ''
            ? [new URL(c.endpoint).hostname]
            : [],
    );
    expect(hosts.length).toBeGreaterThan(0);
    for (const h of hosts) expect(Object.keys(compose.services)).toContain(h);
    expect(new Set(r.config?.mappings.map((m) => m.kind))).toEqual(new Set(['sqs', 'kafka', 'redis']));
    expect(seconds(sluice.stop_grace_period)).toBeGreaterThan(r.config?.server.shutdownGraceSeconds ?? 0);
  });

  it('Prometheus scrapes sluice with the bearer token from the compose secret and loads the alert rules', () => {
    const prom = compose.services.prometheus!;
    const promBinds = new Map(binds(prom).map(([src, target]) => [src, target]));
    const configTarget = promBinds.get('deploy/prometheus/prometheus.yml');
    expect(configTarget).toBe('/etc/prometheus/prometheus.yml');
    const cfg = yamlDoc<{
      rule_files: string[];
      scrape_configs: Array<{
        job_name: string;
        metrics_path: string;
        authorization: { type: string; credentials_file: string };
        static_configs: Array<{ targets: string[] }>;
      }>;
    }>('deploy/prometheus/prometheus.yml');
    expect(cfg.rule_files).toEqual([promBinds.get('deploy/prometheus/alerts.yml')]);
    const job = cfg.scrape_configs.find((j) => j.job_name === 'sluice');
    expect(job?.metrics_path).toBe('/metrics');
    const sluicePort = JSON.parse(configText) as { server: { port: number } };
    expect(job?.static_configs[0]?.targets).toEqual([`sluice:${sluicePort.server.port}`]);
    expect(job?.authorization.type).toBe('Bearer');
    const [secret] = prom.secrets ?? [];
    expect(job?.authorization.credentials_file).toBe(`/run/secrets/${secret}`);
    expect(compose.secrets[secret ?? '']?.environment).toBe('SLUICE_TOKEN');
  });

  it('Grafana provisions the Prometheus datasource and loads the dashboard from where it is mounted', () => {
    const grafana = compose.services.grafana!;
    const mounts = new Map(binds(grafana));
    const dashboardTarget = mounts.get('deploy/grafana/sluice-dashboard.json') ?? '';
    expect(mounts.get('deploy/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    const provider = yamlDoc<{ providers: Array<{ type: string; options: { path: string } }> }>(
      'deploy/grafana/provisioning/dashboards/sluice.yml',
    ).providers[0];
    expect(provider?.type).toBe('file');
    expect(provider?.options.path).toBe(path.posix.dirname(dashboardTarget));
    const ds = yamlDoc<{ datasources: Array<{ type: string; url: string }> }>(
      'deploy/grafana/provisioning/datasources/prometheus.yml',
    ).datasources[0];
    expect(ds?.type).toBe('prometheus');
    expect(new URL(ds?.url ?? '').hostname).toBe('prometheus');
  });
});

describe('deploy/docker-compose.yml (test servers)', () => {
  it('still defines the five servers the tests use', () => {
    const dev = yamlDoc<{ services: Record<string, unknown> }>('deploy/docker-compose.yml');
    expect(Object.keys(dev.services).sort()).toEqual(['dynamodb', 'kafka', 'kinesis', 'redis', 'sqs']);
  });
});
