// The operator page (#21 item 5): `/sluice/ui/` shows mappings, shards, lags and failing batches and offers the
// shard actions and redrive, all through the API. The page itself (HTML, CSS, the compiled script) is static and
// holds no data, so it is served before auth like /healthz; the browser guard (Host, Origin) still applies, and
// every call the script makes passes the API's auth. A strict Content-Security-Policy allows only this origin's
// own script, style and API, and no framing.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExtraRoute } from '../server.js';
import { PAGE_CSS, PAGE_HTML, PAGE_ICON } from './ui-assets.js';

export const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// Built: dist/src/http/ui/page.js next to this file's folder; run from sources (tsx, vitest): the last build's.
const SCRIPT_CANDIDATES = [
  new URL('../ui/page.js', import.meta.url),
  new URL('../../../dist/src/http/ui/page.js', import.meta.url),
];
let script: Promise<string | undefined> | undefined;

async function loadScript(): Promise<string | undefined> {
  for (const url of SCRIPT_CANDIDATES) {
    const text = await readFile(url, 'utf8').catch(() => undefined);
    if (text !== undefined) return text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
  }
  return undefined;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Security-Policy': UI_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

const page =
  (serve: (res: ServerResponse) => Promise<void> | void) =>
  async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    req.resume();
    await serve(res);
  };

export function uiRoutes(): ExtraRoute[] {
  return [
    {
      method: 'GET',
      pattern: /^\/sluice\/ui$/,
      handle: page((res) => {
        res.writeHead(308, { Location: '/sluice/ui/' });
        res.end();
      }),
    },
    {
      method: 'GET',
      pattern: /^\/sluice\/ui\/(index\.html)?$/,
      handle: page((res) => send(res, 200, 'text/html; charset=utf-8', PAGE_HTML)),
    },
    {
      method: 'GET',
      pattern: /^\/sluice\/ui\/page\.css$/,
      handle: page((res) => send(res, 200, 'text/css; charset=utf-8', PAGE_CSS)),
    },
    {
      method: 'GET',
      pattern: /^\/sluice\/ui\/icon\.svg$/,
      handle: page((res) => send(res, 200, 'image/svg+xml', PAGE_ICON)),
    },
    {
      method: 'GET',
      pattern: /^\/sluice\/ui\/page\.js$/,
      handle: page(async (res) => {
        script ??= loadScript();
        const text = await script;
        if (text === undefined) {
          script = undefined;
          send(res, 503, 'text/plain; charset=utf-8', 'the page script is not built: run npm run build');
        } else send(res, 200, 'text/javascript; charset=utf-8', text);
      }),
    },
  ];
}
