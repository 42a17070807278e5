// #21 item 5 through the built service: the operator page's HTML, CSS, icon and compiled script are served (the
// script from dist next to the route) with the strict Content-Security-Policy, without auth, while the API behind
// them still asks for the token; a same-origin POST from the page passes the Origin check, another origin does not.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startService, type Service } from './service.js';

const TOKEN = 'operator-page-token-0123456789';
let svc: Service;

beforeAll(async () => {
  svc = await startService({ server: { auth: { bearerTokens: [TOKEN] } }, functions: {} });
});
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
});

it('#21 the page, its style, icon and compiled script are served with a strict CSP and no auth; the API still needs it', async () => {
  const redirect = await fetch(`${svc.url}/sluice/ui`, { redirect: 'manual' });
  expect(redirect.status).toBe(308);
  expect(redirect.headers.get('location')).toBe('/sluice/ui/');
  for (const [file, type] of [
    ['', 'text/html'],
    ['page.css', 'text/css'],
    ['page.js', 'text/javascript'],
    ['icon.svg', 'image/svg+xml'],
  ] as const) {
    const res = await fetch(`${svc.url}/sluice/ui/${file}`);
    expect(res.status, file).toBe(200);
    expect(res.headers.get('content-type')).toContain(type);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  }
  expect(await (await fetch(`${svc.url}/sluice/ui/page.js`)).text()).toContain('sluice-token');
  expect((await fetch(`${svc.url}/2015-03-31/event-source-mappings/`)).status).toBe(403);
});

it('#21 a POST from the page itself (Origin = its own origin) passes the guard; one from another origin is refused', async () => {
  const own = new URL(svc.url).origin;
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const same = await fetch(`${svc.url}/sluice/mappings/none/shards/pause`, {
    method: 'POST',
    headers: { ...headers, Origin: own, 'Sec-Fetch-Site': 'same-origin' },
    body: '{}',
  });
  expect(same.status).toBe(404); // past the guard and auth: there is no such mapping
  const other = await fetch(`${svc.url}/sluice/mappings/none/shards/pause`, {
    method: 'POST',
    headers: { ...headers, Origin: 'http://127.0.0.1:1' },
    body: '{}',
  });
  expect(other.status).toBe(403);
});
