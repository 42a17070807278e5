// server.auth: bearer tokens, SigV4 access keys (AUTH-n, OPEN-17) or both; off loopback one of them is required.
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/loader.js';

const load = (server: unknown, env: NodeJS.ProcessEnv = {}) =>
  loadConfigText(JSON.stringify({ server }), 'test.json', env);
const paths = (server: unknown) => load(server).problems.map((p) => p.path);
const KEY = { accessKeyId: 'AKIDSLUICE', secretAccessKey: '${env:SLUICE_SECRET}' };

describe('server.auth', () => {
  it('AUTH-13 access keys alone satisfy the off-loopback rule; secrets come from ${env:…}', () => {
    const r = load({ host: '0.0.0.0', auth: { accessKeys: [KEY] } }, { SLUICE_SECRET: 'a-secret-of-sixteen' });
    expect(r.problems).toEqual([]);
    expect(r.config?.server.auth).toEqual({
      accessKeys: [{ accessKeyId: 'AKIDSLUICE', secretAccessKey: 'a-secret-of-sixteen' }],
      anyRegion: false,
      maxSkewSeconds: 300,
    });
    expect(load({ auth: { accessKeys: [KEY] } }).problems).toMatchObject([
      { path: 'server.auth.accessKeys[0].secretAccessKey', message: 'environment variable SLUICE_SECRET is not set' },
    ]);
  });

  it('bearer tokens and access keys may both be set; an auth block with neither is refused', () => {
    const both = { bearerTokens: ['0123456789abcdef0123'], accessKeys: [{ ...KEY, secretAccessKey: 's'.repeat(40) }] };
    expect(paths({ host: '0.0.0.0', auth: both })).toEqual([]);
    expect(paths({ host: '0.0.0.0', auth: {} })).toEqual(['server.auth']);
    expect(paths({ host: '0.0.0.0' })).toEqual(['server.auth']);
  });

  it('access key ids are unique, secrets at least 16 characters, session tokens optional', () => {
    const k = { accessKeyId: 'A', secretAccessKey: 's'.repeat(16) };
    expect(paths({ auth: { accessKeys: [k, k] } })).toEqual(['server.auth.accessKeys']);
    expect(paths({ auth: { accessKeys: [{ ...k, secretAccessKey: 'short' }] } })).toEqual([
      'server.auth.accessKeys[0].secretAccessKey',
    ]);
    expect(
      paths({ auth: { accessKeys: [{ ...k, sessionToken: 'tok' }], anyRegion: true, maxSkewSeconds: 900 } }),
    ).toEqual([]);
  });
});
