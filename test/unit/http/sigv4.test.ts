// The SigV4 verifier against the JS SDK's own signer (@smithy/signature-v4) as the reference: requests it signs
// must verify, and each way of getting them wrong must get Lambda's answer (spec AUTH-n, OPEN-14..18).
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { Authenticator, type AuthOptions, type AuthRequest } from '../../../src/http/auth/authenticator.js';
import { canonicalUri, uriEscape } from '../../../src/http/auth/sigv4.js';
import { LambdaApiError } from '../../../src/ports/errors.js';

const NOW = Date.UTC(2026, 2, 14, 12, 0, 0);
const KEY = { accessKeyId: 'AKIDSLUICETEST', secretAccessKey: 'secret-of-sixteen-chars' };
const TEMP = { accessKeyId: 'ASIATEMP', secretAccessKey: 'temporary-secret-key', sessionToken: 'token-1' };
const ARN_PATH = `/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:000000000000:function:echo')}/invocations`;

interface SignOptions {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  at?: number;
  region?: string;
  service?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** false: no x-amz-content-sha256 header (as botocore signs Lambda requests). */
  applyChecksum?: boolean;
  presignSeconds?: number;
}

/** A request as the SDK signer sends it, in the shape the server sees (raw URL, raw header list). */
async function signed(o: SignOptions = {}): Promise<AuthRequest & { body: Buffer }> {
  const body = o.body ?? '';
  const request = new HttpRequest({
    method: o.method ?? 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 9001,
    path: o.path ?? ARN_PATH,
    query: o.query ?? {},
    headers: { host: '127.0.0.1:9001', 'content-type': 'application/json', ...o.headers },
    ...(body === '' ? {} : { body }),
  });
  const signer = new SignatureV4({
    credentials: o.credentials ?? KEY,
    region: o.region ?? 'us-east-1',
    service: o.service ?? 'lambda',
    sha256: Sha256,
    applyChecksum: o.applyChecksum ?? true,
  });
  const signingDate = new Date(o.at ?? NOW);
  const out =
    o.presignSeconds === undefined
      ? await signer.sign(request, { signingDate })
      : await signer.presign(request, { signingDate, expiresIn: o.presignSeconds });
  const q = Object.entries(out.query as Record<string, string>)
    .map(([k, v]) => `${uriEscape(k)}=${uriEscape(v)}`)
    .join('&');
  const headers = { ...out.headers, ...(body === '' ? {} : { 'content-length': String(Buffer.byteLength(body)) }) };
  return {
    method: out.method,
    url: q === '' ? out.path : `${out.path}?${q}`,
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    rawHeaders: Object.entries(headers).flat(),
    body: Buffer.from(body),
  };
}

const auth = (o: Partial<AuthOptions> = {}) =>
  new Authenticator({ accessKeys: [KEY, TEMP], region: 'us-east-1', now: () => NOW, ...o });

/** Runs the whole check (headers, then the body when asked); the refusal, or undefined when accepted. */
function refusal(a: Authenticator, req: AuthRequest & { body?: Buffer }): LambdaApiError | undefined {
  try {
    a.check(req)?.(req.body ?? Buffer.alloc(0));
    return undefined;
  } catch (err) {
    if (err instanceof LambdaApiError) return err;
    throw err;
  }
}

const answer = (e: LambdaApiError | undefined) => e && { code: e.code, status: e.statusCode, message: e.message };

describe('SigV4 verification against the SDK signer', () => {
  it('AUTH-2 AUTH-7 AUTH-8 AUTH-12 AUTH-13 a header-signed Invoke of a percent-encoded ARN verifies', async () => {
    const req = await signed({ body: '{"a":1}', query: { Qualifier: '$LATEST' } });
    expect(refusal(auth(), req)).toBeUndefined();
  });

  it('AUTH-8 dot segments and duplicate slashes are removed; encoded labels are encoded twice', async () => {
    expect(canonicalUri('/a//b/./c/../d/')).toBe('/a/b/d/');
    expect(canonicalUri('')).toBe('/');
    expect(canonicalUri('/f/arn%3Aaws')).toBe('/f/arn%253Aaws');
    const req = await signed({ method: 'GET', path: '/2015-03-31//functions/./echo/../echo/configuration' });
    expect(refusal(auth(), req)).toBeUndefined();
  });

  it('AUTH-9 query parameters are decoded, re-encoded strictly and sorted by name then value', async () => {
    const query = {
      MaxItems: '10',
      FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:echo',
      Marker: 'a b/c',
    };
    const req = await signed({ method: 'GET', path: '/2015-03-31/event-source-mappings/', query });
    expect(refusal(auth(), req)).toBeUndefined();
  });

  it('AUTH-10 AUTH-18 headers added after signing (X-Amzn-Trace-Id, User-Agent) are ignored; a signed one missing is refused', async () => {
    const req = await signed({ body: '{}', headers: { 'x-custom': '  a   b ' } });
    req.rawHeaders.push('X-Amzn-Trace-Id', 'Root=1-abc', 'User-Agent', 'late');
    expect(refusal(auth(), req)).toBeUndefined();
    const i = req.rawHeaders.findIndex((h) => h.toLowerCase() === 'x-custom');
    req.rawHeaders.splice(i, 2);
    expect(answer(refusal(auth(), req))).toMatchObject({ code: 'InvalidSignatureException', status: 403 });
  });

  it('AUTH-11 OPEN-15 a sent x-amz-content-sha256 must match the body', async () => {
    const req = await signed({ body: '{"a":1}' });
    expect(answer(refusal(auth(), { ...req, body: Buffer.from('{"a":2}') }))).toEqual({
      code: 'InvalidSignatureException',
      status: 403,
      message: 'The provided x-amz-content-sha256 header does not match what was computed.',
    });
  });

  it('AUTH-11 without x-amz-content-sha256 (botocore) the body hash is part of the signature', async () => {
    const req = await signed({ body: '{"a":1}', applyChecksum: false });
    expect(req.headers['x-amz-content-sha256']).toBeUndefined();
    expect(refusal(auth(), req)).toBeUndefined();
    expect(answer(refusal(auth(), { ...req, body: Buffer.from('{"a":2}') }))?.message).toMatch(
      /^The request signature we calculated does not match/,
    );
    const get = await signed({ method: 'GET', path: '/2015-03-31/functions/', applyChecksum: false });
    expect(refusal(auth(), get)).toBeUndefined();
  });

  it('AUTH-11 UNSIGNED-PAYLOAD is signed as such and leaves the body unchecked', async () => {
    const req = await signed({ body: '{"a":1}', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect(auth().check(req)).toBeUndefined();
  });

  it('AUTH-13 a wrong secret is an InvalidSignatureException with Lambda message', async () => {
    const req = await signed({ body: '{}', credentials: { ...KEY, secretAccessKey: 'not-the-right-secret' } });
    expect(answer(refusal(auth(), req))).toEqual({
      code: 'InvalidSignatureException',
      status: 403,
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    });
  });

  it('AUTH-4 an unknown access key is an UnrecognizedClientException', async () => {
    const req = await signed({ body: '{}', credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' } });
    expect(answer(refusal(auth(), req))).toEqual({
      code: 'UnrecognizedClientException',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
  });

  it('AUTH-15 AUTH-4 session tokens: signed and required for their key, refused on a key without one', async () => {
    expect(refusal(auth(), await signed({ body: '{}', credentials: TEMP }))).toBeUndefined();
    const without = { accessKeyId: TEMP.accessKeyId, secretAccessKey: TEMP.secretAccessKey };
    expect(refusal(auth(), await signed({ body: '{}', credentials: without }))?.code).toBe(
      'UnrecognizedClientException',
    );
    const foreign = await signed({ body: '{}', credentials: { ...TEMP, sessionToken: 'token-2' } });
    expect(refusal(auth(), foreign)?.code).toBe('UnrecognizedClientException');
    const onPlainKey = await signed({ body: '{}', credentials: { ...KEY, sessionToken: 'token-1' } });
    expect(refusal(auth(), onPlainKey)?.code).toBe('UnrecognizedClientException');
  });

  it('AUTH-6 OPEN-14 more than 5 minutes of skew either way is refused with the observed messages; configurable', async () => {
    const past = await signed({ body: '{}', at: NOW - 10 * 60_000 });
    expect(answer(refusal(auth(), past))).toEqual({
      code: 'InvalidSignatureException',
      status: 403,
      message: 'Signature expired: 20260314T115000Z is now earlier than 20260314T115500Z (20260314T120000Z - 5 min.)',
    });
    const future = await signed({ body: '{}', at: NOW + 10 * 60_000 });
    expect(answer(refusal(auth(), future))?.message).toBe(
      'Signature not yet current: 20260314T121000Z is still later than 20260314T120500Z (20260314T120000Z + 5 min.)',
    );
    expect(refusal(auth(), await signed({ body: '{}', at: NOW - 4 * 60_000 }))).toBeUndefined();
    expect(refusal(auth({ maxSkewSeconds: 900 }), past)).toBeUndefined();
  });

  it('AUTH-6 the clock is checked when the headers arrive, not after the body', async () => {
    let now = NOW;
    const a = auth({ now: () => now });
    const req = await signed({ body: '{"a":1}', applyChecksum: false });
    const bodyCheck = a.check(req);
    now += 60 * 60_000; // a slow upload
    expect(() => bodyCheck?.(req.body)).not.toThrow();
  });

  it('AUTH-3 OPEN-18 scope: service lambda, the configured region unless anyRegion, terminator, date', async () => {
    const s3 = await signed({ body: '{}', service: 's3' });
    expect(answer(refusal(auth(), s3))).toMatchObject({
      code: 'InvalidSignatureException',
      message: "Credential should be scoped to correct service: 'lambda'. ",
    });
    const west = await signed({ body: '{}', region: 'eu-west-1' });
    expect(answer(refusal(auth(), west))?.message).toMatch(/^Credential should be scoped to a valid region/);
    expect(refusal(auth({ anyRegion: true }), west)).toBeUndefined();
    const req = await signed({ body: '{}' });
    const auth2 = String(req.headers.authorization).replace('/20260314/', '/20260313/');
    const shifted = { ...req, headers: { ...req.headers, authorization: auth2 } };
    expect(refusal(auth(), shifted)?.code).toBe('InvalidSignatureException');
  });

  it('AUTH-14 presigned URLs verify until X-Amz-Date + X-Amz-Expires', async () => {
    const req = await signed({ method: 'GET', path: '/2015-03-31/functions/echo', presignSeconds: 600 });
    expect(req.headers.authorization).toBeUndefined();
    expect(refusal(auth({ now: () => NOW + 599_000 }), req)).toBeUndefined();
    expect(answer(refusal(auth({ now: () => NOW + 601_000 }), req))?.message).toMatch(/^Signature expired: /);
    const bad = { ...req, url: req.url?.replace(/X-Amz-Expires=600/, 'X-Amz-Expires=700') };
    expect(refusal(auth(), bad)?.code).toBe('InvalidSignatureException');
    expect(req.url).toMatch(/X-Amz-SignedHeaders=content-type%3Bhost&/);
    const hostless = { ...req, url: req.url?.replace(/content-type%3Bhost&/, 'content-type&') };
    expect(answer(refusal(auth(), hostless))).toMatchObject({ code: 'IncompleteSignatureException', status: 400 });
  });

  it('AUTH-1 AUTH-2 AUTH-16 OPEN-16 unsigned, incomplete, SigV2 and SigV4a requests are refused', async () => {
    const bare: AuthRequest = { method: 'POST', url: ARN_PATH, headers: {}, rawHeaders: [] };
    expect(answer(refusal(auth(), bare))).toEqual({
      code: 'MissingAuthenticationTokenException',
      status: 403,
      message: 'Missing Authentication Token',
    });
    const partial =
      'AWS4-HMAC-SHA256 Credential=AKIDSLUICETEST/20260314/us-east-1/lambda/aws4_request, SignedHeaders=host';
    const incomplete = refusal(auth(), { ...bare, headers: { authorization: partial } });
    expect(answer(incomplete)).toMatchObject({ code: 'IncompleteSignatureException', status: 400 });
    expect(incomplete?.message).toMatch(/^Authorization header requires 'Signature' parameter\./);
    for (const scheme of ['AWS AKIDSLUICETEST:c2lnbmF0dXJl', 'AWS4-ECDSA-P256-SHA256 Credential=x'])
      expect(refusal(auth(), { ...bare, headers: { authorization: scheme } })?.code).toBe(
        'IncompleteSignatureException',
      );
    const presigned = await signed({ method: 'GET', path: '/2015-03-31/functions/echo', presignSeconds: 60 });
    const both = { ...presigned, headers: { ...presigned.headers, authorization: 'Bearer x' } };
    expect(refusal(auth(), both)?.code).toBe('IncompleteSignatureException');
  });

  it('bearer tokens and access keys both authenticate when both are configured', async () => {
    const a = auth({ bearerTokens: ['a-token-of-sixteen-chars'] });
    const bearer = (t: string): AuthRequest => ({ headers: { authorization: `Bearer ${t}` }, rawHeaders: [] });
    expect(refusal(a, bearer('a-token-of-sixteen-chars'))).toBeUndefined();
    expect(refusal(a, bearer('wrong'))?.code).toBe('UnrecognizedClientException');
    expect(refusal(a, await signed({ body: '{}' }))).toBeUndefined();
    expect(refusal(auth({ accessKeys: [] }), await signed({ body: '{}' }))?.code).toBe('UnrecognizedClientException');
  });
});
