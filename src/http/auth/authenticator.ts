// Who may call the API: a bearer token or a SigV4 signature by a configured access key (spec AUTH-1..18,
// OPEN-14..18). Everything the headers decide is checked when they arrive (so slow uploads never expire); what
// needs the body (its hash, when the signature covers it) is returned as a check the server runs on the body.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { LambdaApiError } from '../../ports/errors.js';
import {
  ALGORITHM,
  canonicalRequest,
  EMPTY_SHA256,
  formatAmzDate,
  incomplete,
  invalidSignature,
  parseAmzDate,
  parseAuthorizationHeader,
  parsePresignedQuery,
  parseRawQuery,
  sha256Hex,
  sign,
  UNSIGNED_PAYLOAD,
  type SignedParts,
} from './sigv4.js';

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry this X-Amz-Security-Token (temporary credentials). */
  sessionToken?: string;
}

export interface AuthOptions {
  bearerTokens?: readonly string[];
  accessKeys?: readonly AccessKey[];
  /** The region signatures must be scoped to (OPEN-18)... */
  region: string;
  /** ...unless any region is accepted. */
  anyRegion?: boolean;
  /** Allowed clock difference of X-Amz-Date (AUTH-6, OPEN-14); default 300. */
  maxSkewSeconds?: number;
  now?: () => number;
}

/** The parts of a request authentication reads (an IncomingMessage has them). */
export interface AuthRequest {
  method?: string | undefined;
  url?: string | undefined;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
}

/** What is left once the headers passed: the body against the signed payload hash. Throws the refusal. */
export type BodyCheck = (body: Buffer) => void;

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const PAYLOAD_MISMATCH = 'The provided x-amz-content-sha256 header does not match what was computed.';
const HEX64 = /^[0-9a-fA-F]{64}$/;

const digest = (s: string) => createHash('sha256').update(s).digest();

export const missingToken = () =>
  new LambdaApiError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
export const unrecognized = () =>
  new LambdaApiError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.');

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
};

/** Constant-time equality of two strings (by their SHA-256, so lengths do not show). */
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

function hasBody(h: IncomingHttpHeaders): boolean {
  return h['transfer-encoding'] !== undefined || Number(h['content-length'] ?? 0) > 0;
}

export class Authenticator {
  private readonly tokens: Buffer[];
  private readonly keys: Map<string, AccessKey>;
  private readonly skewMs: number;
  private readonly skewText: string;
  private readonly now: () => number;

  constructor(private readonly options: AuthOptions) {
    this.tokens = (options.bearerTokens ?? []).map(digest);
    this.keys = new Map((options.accessKeys ?? []).map((k) => [k.accessKeyId, k]));
    const skew = options.maxSkewSeconds ?? 300;
    this.skewMs = skew * 1000;
    this.skewText = skew % 60 === 0 ? `${skew / 60} min.` : `${skew} sec.`;
    this.now = options.now ?? Date.now;
  }

  /** Throws the refusal; returns undefined when the request is authenticated, or the check its body still needs. */
  check(req: AuthRequest): BodyCheck | undefined {
    const authorization = header(req.headers, 'authorization');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const query = parseRawQuery(q === -1 ? '' : url.slice(q + 1));
    const presigned = query.some(([name]) => name === 'X-Amz-Algorithm' || name === 'X-Amz-Signature');
    if (authorization === undefined && !presigned) throw missingToken();
    if (authorization !== undefined && presigned)
      throw incomplete(
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.',
      );
    let parts: SignedParts;
    if (authorization === undefined) parts = parsePresignedQuery(new Map(query));
    else if (/^Bearer /i.test(authorization)) return this.bearer(authorization.slice(7).trim());
    else if (authorization.startsWith(`${ALGORITHM} `)) parts = parseAuthorizationHeader(authorization);
    else
      throw incomplete(
        `Unsupported authorization type ${JSON.stringify(authorization.split(' ')[0])}: sign with ${ALGORITHM} (SigV4; SigV4a and SigV2 are not supported) or send a bearer token.`,
      );
    const key = this.preflight(req, parts);
    return this.verify(req, parts, key, rawPath, query);
  }

  private bearer(token: string): undefined {
    const given = digest(token);
    let ok = false;
    for (const t of this.tokens) ok = timingSafeEqual(given, t) || ok;
    if (!ok || token === '') throw unrecognized();
    return undefined;
  }

  /** Date, scope, clock and identity: what AWS checks before computing the signature. */
  private preflight(req: AuthRequest, parts: SignedParts): AccessKey & { amzDate: string } {
    const signed = new Set(parts.signedHeaders);
    if (!signed.has('host')) throw incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
    let amzDate = parts.amzDate;
    if (parts.form === 'header') {
      const xAmzDate = header(req.headers, 'x-amz-date');
      const used = xAmzDate !== undefined ? 'x-amz-date' : 'date';
      amzDate = xAmzDate ?? header(req.headers, 'date');
      if (amzDate === undefined)
        throw incomplete(
          `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${header(req.headers, 'authorization')}`,
        );
      if (!signed.has(used)) throw incomplete(`The ${used} header must be signed (listed in SignedHeaders).`);
    }
    const time = parseAmzDate(amzDate ?? '');
    if (amzDate === undefined || time === undefined)
      throw incomplete(`Date must be in ISO-8601 'basic format' (YYYYMMDD'T'HHMMSS'Z'). Got '${amzDate}'.`);
    if (parts.service !== 'lambda')
      throw invalidSignature("Credential should be scoped to correct service: 'lambda'. ");
    if (!this.options.anyRegion && parts.region !== this.options.region)
      throw invalidSignature('Credential should be scoped to a valid region. ');
    if (parts.terminator !== 'aws4_request')
      throw invalidSignature(
        `Credential should be scoped with a valid terminator: 'aws4_request', not '${parts.terminator}'. `,
      );
    if (parts.scopeDate !== amzDate.slice(0, 8))
      throw invalidSignature(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parts.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    this.checkClock(amzDate, time, parts.expiresSeconds);
    const key = this.keys.get(parts.accessKeyId);
    if (key === undefined) throw unrecognized();
    const token = parts.form === 'header' ? header(req.headers, 'x-amz-security-token') : parts.securityToken;
    if (parts.form === 'header' && token !== undefined && !signed.has('x-amz-security-token'))
      throw incomplete('The x-amz-security-token header must be signed (listed in SignedHeaders).');
    // AUTH-4, AUTH-15: a key with a session token needs it; a key without one takes none.
    const tokenOk = key.sessionToken === undefined ? token === undefined : sameSecret(key.sessionToken, token ?? '');
    if (!tokenOk) throw unrecognized();
    return { ...key, amzDate };
  }

  /** AUTH-6 (±skew, at header time) and AUTH-14 (a presigned URL is void after X-Amz-Date + X-Amz-Expires). */
  private checkClock(amzDate: string, time: number, expiresSeconds: number | undefined): void {
    const now = this.now();
    const at = formatAmzDate(now);
    if (time > now + this.skewMs)
      throw invalidSignature(
        `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + this.skewMs)} (${at} + ${this.skewText})`,
      );
    const validMs = expiresSeconds === undefined ? this.skewMs : expiresSeconds * 1000;
    if (time < now - validMs)
      throw invalidSignature(
        `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - validMs)} (${at} - ${
          expiresSeconds === undefined ? this.skewText : `${expiresSeconds} sec.`
        })`,
      );
  }

  private verify(
    req: AuthRequest,
    parts: SignedParts,
    key: AccessKey & { amzDate: string },
    rawPath: string,
    query: [string, string][],
  ): BodyCheck | undefined {
    const matches = (payloadHash: string) => {
      const canonical = canonicalRequest({
        method: req.method ?? 'GET',
        rawPath,
        query,
        rawHeaders: req.rawHeaders,
        parts,
        payloadHash,
      });
      const expected = sign(key.secretAccessKey, parts, key.amzDate, canonical);
      return timingSafeEqual(Buffer.from(expected), Buffer.from(parts.signature));
    };
    // botocore presigns with UNSIGNED-PAYLOAD, the JS SDK with the body's hash: a presigned URL may carry either.
    const accept = (bodyHash: string) => {
      const candidates = parts.form === 'query' ? [bodyHash, UNSIGNED_PAYLOAD] : [bodyHash];
      if (!candidates.some(matches)) throw invalidSignature(SIGNATURE_MISMATCH);
    };
    const sent = header(req.headers, 'x-amz-content-sha256');
    const body = hasBody(req.headers);
    if (sent === undefined) {
      if (body) return (b) => accept(sha256Hex(b));
      accept(EMPTY_SHA256);
      return undefined;
    }
    if (sent.startsWith('STREAMING-'))
      throw incomplete(`x-amz-content-sha256 ${sent}: streaming (chunk-signed) payloads are not used by Lambda.`);
    if (sent !== UNSIGNED_PAYLOAD && !HEX64.test(sent))
      throw incomplete(`x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a hex SHA-256, not ${JSON.stringify(sent)}.`);
    if (!matches(sent)) throw invalidSignature(SIGNATURE_MISMATCH);
    if (sent === UNSIGNED_PAYLOAD) return undefined;
    // OPEN-15: the signed hash must be the body's.
    const bodyMatches = (b: Buffer) => {
      if (sha256Hex(b) !== sent.toLowerCase()) throw invalidSignature(PAYLOAD_MISMATCH);
    };
    if (body) return bodyMatches;
    bodyMatches(Buffer.alloc(0));
    return undefined;
  }
}
