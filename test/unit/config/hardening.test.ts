// Config checks added for hostile input: loopback detection, timer bounds, URL schemes, nesting depth and
// which URLs an http connection's headers may reach.
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/loader.js';
import { isLoopbackAddress, isLoopbackHost } from '../../../src/config/net.js';
import { httpConnectionFor, isUnderBaseUrl } from '../../../connectors/http/index.js';

const fn = { Handler: 'functions/hello.handler' };
const load = (cfg: unknown) => loadConfigText(JSON.stringify(cfg), 'test.json', {});
const problems = (cfg: unknown) => load(cfg).problems;

describe('loopback', () => {
  it('AUTH a host name that merely starts with 127. is not loopback (127.evil.com needs auth)', () => {
    expect(isLoopbackAddress('127.evil.com')).toBe(false);
    expect(isLoopbackHost('127.evil.com')).toBe(false);
    expect(problems({ server: { host: '127.evil.com' } }).map((p) => p.path)).toEqual(['server.auth']);
    expect(problems({ server: { host: '127.0.0.2' } })).toEqual([]);
  });

  it('recognises loopback addresses and names', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost', 'a.localhost'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['128.0.0.1', '0.0.0.0', '::', 'localhost.evil.com', '127.0.0.1.nip.io'])
      expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('values the engine cannot run', () => {
  it('durations past the 2^31-1 ms timer limit are refused (they would fire after 1 ms)', () => {
    const paths = problems({
      server: { shutdownGraceSeconds: 3e6 },
      tuning: {
        asyncRetryDelaysSeconds: [60, 3e6],
        throttleBackoffSeconds: { max: 1e12 },
        streamPollIntervalMs: 2 ** 31,
        asyncClaimTtlSeconds: 3e6,
      },
      connections: { r: { type: 'redis', url: 'redis://x', blockMs: 2 ** 31 } },
    }).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'server.shutdownGraceSeconds',
        'tuning.asyncRetryDelaysSeconds[1]',
        'tuning.throttleBackoffSeconds.max',
        'tuning.streamPollIntervalMs',
        'tuning.asyncClaimTtlSeconds',
      ]),
    );
    expect(paths.some((p) => p.startsWith('connections.r'))).toBe(true);
  });

  it('a function Url must be http or https', () => {
    const bad = problems({ functions: { f: { Runtime: 'http', Url: 'file:///etc/passwd' } } });
    expect(bad.map((p) => p.path)).toEqual(['functions.f.Url']);
    expect(problems({ functions: { f: { Runtime: 'http', Url: 'https://x.example/invoke' } } })).toEqual([]);
  });

  it('a deeply nested config is reported as a problem, not a crash', () => {
    const n = 20_000;
    const text = `{"functions":{"f":{"Handler":"a.b","Environment":{"Variables":{"k":${'['.repeat(n)}1${']'.repeat(n)}}}}}}`;
    const r = loadConfigText(text, 'deep.json', {});
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.message).toMatch(/nested deeper than 64 levels/);
  });
});

describe("an http connection's headers go only to its own baseUrl", () => {
  it('matches URLs under the base path only, same scheme, host and port, no userinfo', () => {
    const base = 'https://hooks.example.com/sluice/';
    expect(isUnderBaseUrl('https://hooks.example.com/sluice/failed', base)).toBe(true);
    expect(isUnderBaseUrl('https://hooks.example.com/sluice', 'https://hooks.example.com/sluice')).toBe(true);
    for (const u of [
      'http://hooks.example.com/sluice/x',
      'https://hooks.example.com:444/sluice/x',
      'https://hooks.example.com/sluicex',
      'https://hooks.example.com/sluice/../admin',
      'https://hooks.example.com.evil.com/sluice/x',
      'https://user:pw@hooks.example.com/sluice/x',
    ])
      expect(isUnderBaseUrl(u, base)).toBe(false);
    const conns = {
      a: { type: 'http' as const, baseUrl: 'https://h.example/' },
      b: { type: 'http' as const, baseUrl: 'https://h.example/deep/' },
    };
    expect(httpConnectionFor(conns, 'https://h.example/deep/x')?.name).toBe('b');
  });

  it('config file: headers need a baseUrl, and an http destination outside every baseUrl is refused', () => {
    const headers = { Authorization: 'Bearer t' };
    expect(problems({ connections: { http: { type: 'http', headers } } }).map((p) => p.path)).toEqual([
      'connections.http.baseUrl',
    ]);
    const cfg = (dest: string) => ({
      connections: { http: { type: 'http', headers, baseUrl: 'https://hooks.example.com/sluice/' } },
      functions: { f: { ...fn, EventInvokeConfig: { DestinationConfig: { OnFailure: { Destination: dest } } } } },
    });
    expect(problems(cfg('https://hooks.example.com/sluice/failed'))).toEqual([]);
    const bad = problems(cfg('https://elsewhere.example.com/x'));
    expect(bad.map((p) => p.path)).toEqual(['functions.f.EventInvokeConfig.DestinationConfig.OnFailure.Destination']);
    expect(bad[0]?.message).toMatch(/baseUrl/);
  });
});
