// Which http connection an http(s) destination uses. A connection's headers (tokens) go only to URLs
// under its own baseUrl: same scheme, host and port, and a path at or below the base path.
import type { NamedConnections } from '../../src/ports/connector.js';
import type { HttpConnection } from './connection.js';

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Whether `url` is `base` or below it; `..` and `%2e%2e` segments are resolved by URL parsing first. */
export function isUnderBaseUrl(url: string, base: string): boolean {
  const u = parse(url);
  const b = parse(base);
  if (u === undefined || b === undefined) return false;
  if (u.protocol !== b.protocol || u.host !== b.host || u.username !== '' || u.password !== '') return false;
  const basePath = b.pathname.endsWith('/') ? b.pathname : `${b.pathname}/`;
  return u.pathname === b.pathname || u.pathname.startsWith(basePath);
}

const isHttpConnection = (c: Readonly<Record<string, unknown>>): c is HttpConnection & { type: 'http' } =>
  c.type === 'http';

/** The http connection whose baseUrl covers `url` (the longest baseUrl wins), with its name. */
export function httpConnectionFor(
  connections: NamedConnections['all'],
  url: string,
): { name: string; connection: HttpConnection } | undefined {
  let best: { name: string; connection: HttpConnection } | undefined;
  for (const [name, c] of Object.entries(connections)) {
    if (!isHttpConnection(c) || c.baseUrl === undefined || !isUnderBaseUrl(url, c.baseUrl)) continue;
    if (best === undefined || (best.connection.baseUrl ?? '').length < c.baseUrl.length) best = { name, connection: c };
  }
  return best;
}

/**
 * Config file: an http(s) destination in a config that has header-carrying http connections must fall under one
 * of their baseUrls.
 */
export function configDestinationProblem(connections: NamedConnections['all'], url: string): string | undefined {
  if (httpConnectionFor(connections, url) !== undefined) return undefined;
  const withHeaders = Object.entries(connections).filter(([, c]) => isHttpConnection(c) && c.headers !== undefined);
  if (withHeaders.length === 0) return undefined;
  return `"${url}" is not under the baseUrl of http connection ${withHeaders
    .map(([n]) => `"${n}"`)
    .join(', ')}; its headers go only to URLs under its baseUrl (add an http connection with this URL's baseUrl)`;
}
