// AWS Signature Version 4 as Lambda verifies it (spec AUTH-2, AUTH-7..14): parsing the two signed forms and the
// canonical request, string to sign and signing key. Written by hand on node:crypto: SigV4 verification is a few
// pure functions, the SDK signers (@smithy/signature-v4, botocore) only sign, and the server-side verifier packages
// on npm are small, unmaintained and follow S3's rules (single-encoded paths) rather than Lambda's.
import { createHash, createHmac } from 'node:crypto';
import { LambdaApiError } from '../../ports/errors.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** What a signed request claims, from its Authorization header or its presigned query. */
export interface SignedParts {
  form: 'header' | 'query';
  accessKeyId: string;
  /** Credential scope: date (YYYYMMDD), region, service, terminator. */
  scopeDate: string;
  region: string;
  service: string;
  terminator: string;
  /** Lowercase names, in the order given. */
  signedHeaders: string[];
  signature: string;
  /** Presigned form only: X-Amz-Date, X-Amz-Expires, X-Amz-Security-Token from the query. */
  amzDate?: string;
  expiresSeconds?: number;
  securityToken?: string;
}

export const incomplete = (message: string) => new LambdaApiError('IncompleteSignatureException', 400, message);
export const invalidSignature = (message: string) => new LambdaApiError('InvalidSignatureException', 403, message);

const HEX64 = /^[0-9a-f]{64}$/;
const AMZ_DATE = /^(\d{8})T\d{6}Z$/;

function splitCredential(
  credential: string,
): Pick<SignedParts, 'accessKeyId' | 'scopeDate' | 'region' | 'service' | 'terminator'> {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '') || !/^\d{8}$/.test(parts[1] ?? ''))
    throw incomplete(
      `Credential ${JSON.stringify(credential)} is malformed: expected <AccessKeyId>/<YYYYMMDD>/<region>/lambda/aws4_request.`,
    );
  const [accessKeyId, scopeDate, region, service, terminator] = parts as [string, string, string, string, string];
  return { accessKeyId, scopeDate, region, service, terminator };
}

function signatureAndHeaders(signature: string | undefined, headers: string | undefined) {
  const signedHeaders = (headers ?? '').split(';').map((h) => h.trim().toLowerCase());
  if (signedHeaders.some((h) => h === '')) throw incomplete(`SignedHeaders ${JSON.stringify(headers)} is malformed.`);
  if (!HEX64.test(signature ?? '')) throw incomplete('Signature must be 64 lowercase hexadecimal characters.');
  return { signedHeaders, signature: signature ?? '' };
}

/** `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` (AUTH-2). The caller checked the scheme. */
export function parseAuthorizationHeader(header: string): SignedParts {
  const fields = new Map<string, string>();
  for (const part of header.slice(ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((k) => !fields.get(k));
  if (missing.length > 0)
    throw incomplete(
      `${missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' ')} Authorization=${header}`,
    );
  return {
    form: 'header',
    ...splitCredential(fields.get('Credential') ?? ''),
    ...signatureAndHeaders(fields.get('Signature'), fields.get('SignedHeaders')),
  };
}

/** The presigned form's X-Amz-* query parameters (AUTH-14). */
export function parsePresignedQuery(query: ReadonlyMap<string, string>): SignedParts {
  const algorithm = query.get('X-Amz-Algorithm');
  if (algorithm !== ALGORITHM)
    throw incomplete(`X-Amz-Algorithm must be ${ALGORITHM} (SigV4a and SigV2 are not supported), not ${algorithm}.`);
  const required = ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];
  const missing = required.filter((k) => !query.get(k));
  if (missing.length > 0)
    throw incomplete(missing.map((k) => `AWS query-string parameters must include '${k}'.`).join(' '));
  const expires = query.get('X-Amz-Expires') ?? '';
  const expiresSeconds = Number(expires);
  if (!/^\d+$/.test(expires) || expiresSeconds < 1 || expiresSeconds > 604800)
    throw incomplete(`X-Amz-Expires must be a whole number of seconds from 1 to 604800 (a week), not ${expires}.`);
  const token = query.get('X-Amz-Security-Token');
  return {
    form: 'query',
    ...splitCredential(query.get('X-Amz-Credential') ?? ''),
    ...signatureAndHeaders(query.get('X-Amz-Signature'), query.get('X-Amz-SignedHeaders')),
    amzDate: query.get('X-Amz-Date') ?? '',
    expiresSeconds,
    ...(token === undefined ? {} : { securityToken: token }),
  };
}

/** `YYYYMMDD'T'HHMMSS'Z'` to epoch milliseconds, undefined when malformed. */
export function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(9, 11)}:${value.slice(11, 13)}:${value.slice(13, 15)}Z`;
  const ms = Date.parse(iso);
  // Date.parse rolls 20250230 over into March: a date that does not print back is malformed.
  return Number.isNaN(ms) || formatAmzDate(ms) !== value ? undefined : ms;
}

export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** RFC 3986 unreserved characters stay; every other byte becomes %XX (uppercase), `/` too. */
export function uriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** AUTH-8: the path as sent, dot segments and empty segments removed, then encoded again (SDK labels twice). */
export function canonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEscape).join('/')}${trailing}`;
}

function decodeQueryPart(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw incomplete(`The query string contains a malformed %-encoding: ${JSON.stringify(s)}.`);
  }
}

/** The query as sent, split on `&` and the first `=`, decoded. Later repeats keep their place. */
export function parseRawQuery(rawQuery: string): [string, string][] {
  if (rawQuery === '') return [];
  return rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq === -1
        ? [decodeQueryPart(pair), '']
        : [decodeQueryPart(pair.slice(0, eq)), decodeQueryPart(pair.slice(eq + 1))];
    });
}

/** AUTH-9: re-encoded strictly, sorted by name then value; the presigned form leaves out X-Amz-Signature. */
export function canonicalQuery(pairs: readonly [string, string][], form: SignedParts['form']): string {
  return pairs
    .filter(([name]) => form === 'header' || name !== 'X-Amz-Signature')
    .map(([name, value]) => [uriEscape(name), uriEscape(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * AUTH-10: `name:value\n` for each signed header from the raw header list (repeats joined by `,`, values
 * trimmed, inner space runs collapsed). A signed header that is absent is an invalid signature.
 */
export function canonicalHeaders(rawHeaders: readonly string[], signedHeaders: readonly string[]): string {
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const list = values.get(name) ?? [];
    list.push((rawHeaders[i + 1] ?? '').trim().replace(/\s+/g, ' '));
    values.set(name, list);
  }
  return [...signedHeaders]
    .sort()
    .map((name) => {
      const list = values.get(name);
      if (list === undefined) throw invalidSignature(`The signed header ${name} is not in the request.`);
      return `${name}:${list.join(',')}\n`;
    })
    .join('');
}

export interface CanonicalInput {
  method: string;
  rawPath: string;
  query: readonly [string, string][];
  rawHeaders: readonly string[];
  parts: SignedParts;
  payloadHash: string;
}

/** AUTH-7. */
export function canonicalRequest(input: CanonicalInput): string {
  const { parts } = input;
  return [
    input.method,
    canonicalUri(input.rawPath),
    canonicalQuery(input.query, parts.form),
    canonicalHeaders(input.rawHeaders, parts.signedHeaders),
    [...parts.signedHeaders].sort().join(';'),
    input.payloadHash,
  ].join('\n');
}

export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** AUTH-12 and AUTH-13: the hex signature of a canonical request under a secret. */
export function sign(secret: string, parts: SignedParts, amzDate: string, canonical: string): string {
  const scope = `${parts.scopeDate}/${parts.region}/${parts.service}/${parts.terminator}`;
  const toSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
  let key = hmac(`AWS4${secret}`, parts.scopeDate);
  for (const step of [parts.region, parts.service, parts.terminator]) key = hmac(key, step);
  return createHmac('sha256', key).update(toSign).digest('hex');
}
