// Which host names and addresses are loopback. A prefix test ("127.") would let 127.evil.com pass, so
// names are checked with node:net's isIP and exact loopback names only.
import { isIP } from 'node:net';

/** An IPv4 or IPv6 literal (brackets allowed) in 127.0.0.0/8, ::1 or ::ffff:127.x.x.x. */
export function isLoopbackAddress(host: string): boolean {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const family = isIP(h);
  if (family === 4) return h.split('.')[0] === '127';
  if (family !== 6) return false;
  const lower = h.toLowerCase();
  if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)?.[1];
  return mapped !== undefined && isLoopbackAddress(mapped);
}

/** A loopback address, `localhost` or a `*.localhost` name (RFC 6761: they always resolve to loopback). */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase().replace(/\.$/, '');
  return isLoopbackAddress(lower) || lower === 'localhost' || lower.endsWith('.localhost');
}

/** Whether `host` is a wildcard bind address (every interface). */
export function isWildcardAddress(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}
