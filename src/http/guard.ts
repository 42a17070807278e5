// What a browser must not reach. Loopback is reachable from every page a browser on the machine opens, so
// it is no trust boundary: a foreign Host name means DNS rebinding (421), and an Origin header that is not
// explicitly allowed means a cross-site request (403). Tools (AWS CLI, SDKs, curl) send neither.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { isLoopbackHost, isWildcardAddress } from '../config/net.js';
import { LambdaApiError } from '../ports/errors.js';

export interface GuardOptions {
  /** The address or name the server is bound to. */
  host: string;
  /** Extra Host names; `*` matches any run of name characters (`*.example.com`, `sluice.*`). */
  allowedHosts?: readonly string[];
  /** Browser origins (`https://app.example.com`) allowed to call the API. */
  allowedOrigins?: readonly string[];
}

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .toLowerCase()
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[a-z0-9.-]*')}$`,
  );

/** The name part of a Host header: `[::1]:9001` → `::1`, `example.com.:80` → `example.com`. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  const name = h.startsWith('[')
    ? h.slice(1, h.indexOf(']') === -1 ? h.length : h.indexOf(']'))
    : h.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

export class RequestGuard {
  private readonly hosts: RegExp[];
  private readonly origins: Set<string>;
  private readonly bound: string;

  constructor(private readonly options: GuardOptions) {
    this.hosts = (options.allowedHosts ?? []).map(glob);
    this.origins = new Set((options.allowedOrigins ?? []).map((o) => o.toLowerCase().replace(/\/$/, '')));
    this.bound = hostName(options.host);
  }

  hostAllowed(header: string | undefined): boolean {
    if (header === undefined) return true; // HTTP/1.0 tools; every browser sends Host
    const name = hostName(header);
    if (isLoopbackHost(name) || name === this.bound) return true;
    // Bound to every interface: any address literal is "the bound address"; rebinding needs a name.
    if (isWildcardAddress(this.options.host) && isIP(name) !== 0) return true;
    return this.hosts.some((re) => re.test(name));
  }

  /** The allowed Origin of the request, undefined when it has none; throws for a foreign one. */
  allowedOrigin(req: IncomingMessage): string | undefined {
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if (origin === undefined) {
      // Browsers leave Origin out of some cross-site GETs but always send Sec-Fetch-Site.
      if (site === 'cross-site' || site === 'same-site') throw forbidden(`a ${site} browser request`);
      return undefined;
    }
    if (this.origins.has(origin.toLowerCase())) return origin;
    // The operator page's own writes (browsers send Origin on a same-origin POST): its origin is the Host it asked,
    // which check() has already vetted, so a rebinding name or another local port never gets here.
    const host = req.headers.host;
    if (
      host !== undefined &&
      origin.toLowerCase() === `http://${host.toLowerCase()}` &&
      site !== 'cross-site' &&
      site !== 'same-site'
    )
      return undefined;
    throw forbidden(`Origin ${JSON.stringify(origin)} is not in server.allowedOrigins`);
  }

  /** Throws the answer for a request a browser may have been tricked into sending. */
  check(req: IncomingMessage): string | undefined {
    if (!this.hostAllowed(req.headers.host))
      throw new LambdaApiError(
        'MisdirectedRequestException',
        421,
        `Host ${JSON.stringify(req.headers.host)} is not served here: use a loopback name, the bound address or a name in server.allowedHosts`,
      );
    return this.allowedOrigin(req);
  }
}

function forbidden(what: string): LambdaApiError {
  return new LambdaApiError('AccessDeniedException', 403, `Cross-site request refused: ${what}`);
}
