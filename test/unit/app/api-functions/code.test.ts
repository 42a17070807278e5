// FN-10/OPEN-2: unpacking API packages — sizes from the zip directory, and entries that would escape the code
// directory make the package invalid (InvalidZipFileException) instead of writing outside it.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CodeError, codeSha256, declaredUnzippedSize, unpack } from '../../../../src/app/api-functions/code.js';

const root = () => mkdtempSync(path.join(tmpdir(), 'code-test-'));

/** A zip whose single entry is named `name` (fflate normalises nothing, so '../x' stays as given). */
const zipWith = (name: string) => zipSync({ [name]: strToU8('x') });

describe('API function packages', () => {
  it('FN-10 the unzipped size is read from the zip directory; an unreadable zip has none', () => {
    const zip = zipSync({ 'a.js': new Uint8Array(1000), 'lib/b.js': new Uint8Array(24) });
    expect(declaredUnzippedSize(zip)).toBe(1024);
    expect(declaredUnzippedSize(strToU8('not a zip'))).toBeUndefined();
  });

  it('FN-14 CodeSha256 is the base64 SHA-256 of the zip', () => {
    expect(codeSha256(strToU8('abc'))).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
  });

  it('OPEN-2 a package unpacks into its directory, nested paths included', async () => {
    const dir = path.join(root(), 'pkg');
    await unpack(zipSync({ 'index.js': strToU8('1'), 'lib/deep/x.js': strToU8('2') }), dir);
    expect(readFileSync(path.join(dir, 'lib/deep/x.js'), 'utf8')).toBe('2');
  });

  it('OPEN-2 a large entry (inflated off the event loop) unpacks byte for byte', async () => {
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) % 251);
    const dir = path.join(root(), 'pkg');
    await unpack(zipSync({ 'big.bin': big }), dir);
    expect(Buffer.from(readFileSync(path.join(dir, 'big.bin'))).equals(Buffer.from(big))).toBe(true);
  });

  it.each(['../escape.js', '/abs.js', 'a/../../escape.js', 'C:/win.js'])(
    'OPEN-2 an entry named %s makes the package InvalidZipFileException and writes nothing',
    async (entry) => {
      const base = root();
      const dir = path.join(base, 'pkg');
      const err = await unpack(zipWith(entry), dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CodeError);
      expect((err as CodeError).reasonCode).toBe('InvalidZipFileException');
      expect(existsSync(dir)).toBe(false);
      expect(existsSync(path.join(base, 'escape.js'))).toBe(false);
    },
  );

  it('OPEN-2 bytes that are no zip are InvalidZipFileException', async () => {
    const err = await unpack(strToU8('nope'), path.join(root(), 'pkg')).catch((e: unknown) => e);
    expect(err).toMatchObject({ reasonCode: 'InvalidZipFileException' });
  });
});
