import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hostName, RequestGuard } from '../../../src/http/guard.js';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('RequestGuard', () => {
  it('parses Host headers', () => {
    expect(hostName('[::1]:9001')).toBe('::1');
    expect(hostName('Example.COM.:80')).toBe('example.com');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
  });

  it('accepts loopback names, the bound address and configured names; refuses the rest (DNS rebinding)', () => {
    const g = new RequestGuard({ host: '127.0.0.1', allowedHosts: ['sluice', 'sluice.*.svc'] });
    for (const h of ['127.0.0.1:9001', 'localhost:9001', '[::1]:1', 'sluice', 'sluice.prod.svc:9001'])
      expect(g.hostAllowed(h)).toBe(true);
    for (const h of ['evil.com', '127.evil.com', '10.0.0.5:9001', 'sluice.evil.com', 'localhost.evil.com'])
      expect(g.hostAllowed(h)).toBe(false);
  });

  it('a wildcard bind accepts any address literal, never a foreign name', () => {
    const g = new RequestGuard({ host: '0.0.0.0' });
    expect(g.hostAllowed('10.0.0.5:9001')).toBe(true);
    expect(g.hostAllowed('[fd00::1]:9001')).toBe(true);
    expect(g.hostAllowed('rebind.evil.com:9001')).toBe(false);
    expect(new RequestGuard({ host: 'sluice.local' }).hostAllowed('sluice.local:9001')).toBe(true);
  });

  it('refuses any Origin that is not configured, and cross-site fetch metadata without one', () => {
    const g = new RequestGuard({ host: '127.0.0.1', allowedOrigins: ['https://ok.example'] });
    expect(g.allowedOrigin(req({}))).toBeUndefined();
    expect(g.allowedOrigin(req({ 'sec-fetch-site': 'none' }))).toBeUndefined();
    expect(g.allowedOrigin(req({ origin: 'https://ok.example' }))).toBe('https://ok.example');
    const hostile: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const h of hostile) expect(() => g.allowedOrigin(req(h))).toThrow(/Cross-site request refused/);
  });

  it('#21 the operator page: a same-origin request (Origin = http:// + its vetted Host) needs no allowed origin', () => {
    const g = new RequestGuard({ host: '127.0.0.1' });
    const own = { host: '127.0.0.1:9001', origin: 'http://127.0.0.1:9001' };
    expect(g.allowedOrigin(req(own))).toBeUndefined();
    expect(g.allowedOrigin(req({ ...own, 'sec-fetch-site': 'same-origin' }))).toBeUndefined();
    const foreign: Array<Record<string, string>> = [
      { host: '127.0.0.1:9001', origin: 'http://127.0.0.1:3000' },
      { host: '127.0.0.1:9001', origin: 'http://localhost:9001' },
      { host: '127.0.0.1:9001', origin: 'https://127.0.0.1:9001' },
      { ...own, 'sec-fetch-site': 'cross-site' },
    ];
    for (const h of foreign) expect(() => g.allowedOrigin(req(h))).toThrow(/Cross-site request refused/);
    expect(() => g.check(req({ host: 'rebind.evil.com:9001', origin: 'http://rebind.evil.com:9001' }))).toThrow(
      /is not served here/,
    );
  });
});
