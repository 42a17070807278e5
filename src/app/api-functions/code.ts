// Zip packages of API-created functions (FN-10): checksums, the unzipped-size limit, and unpacking into a
// code directory per package. Entries that would land outside the directory make the package invalid.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { unzip, unzipSync, type UnzipFileFilter, type Unzipped } from 'fflate';

/** 250 MB unzipped, code and layers together (FN-10). */
export const MAX_UNZIPPED_BYTES = 262_144_000;

/** Why a package cannot run: a Lambda reason code (FN-17) and its message. */
export class CodeError extends Error {
  constructor(
    readonly reasonCode: 'InvalidZipFileException' | 'InvalidRuntime',
    message: string,
  ) {
    super(message);
  }
}

export function codeSha256(zip: Uint8Array): string {
  return createHash('sha256').update(zip).digest('base64');
}

/** The unzipped size the zip's directory declares, or undefined when the directory cannot be read. */
export function declaredUnzippedSize(zip: Uint8Array): number | undefined {
  let total = 0;
  try {
    unzipSync(zip, {
      filter: (f) => {
        total += f.originalSize;
        return false;
      },
    });
  } catch {
    return undefined;
  }
  return total;
}

/** fflate's asynchronous unzip inflates large entries in worker threads, so the event loop keeps serving. */
function unzipAsync(zip: Uint8Array, filter: UnzipFileFilter): Promise<Unzipped> {
  return new Promise((resolve, reject) => {
    unzip(zip, { filter }, (err, data) => (err ? reject(err) : resolve(data)));
  });
}

/** Entry name → path inside `root`, or undefined for an unsafe one (absolute, `..`, drive letters). */
function entryPath(root: string, name: string): string | undefined {
  const normal = name.replace(/\\/g, '/');
  if (normal.startsWith('/') || /^[a-zA-Z]:/.test(normal)) return undefined;
  const target = path.resolve(root, normal);
  return target === root || target.startsWith(root + path.sep) ? target : undefined;
}

/**
 * Unpacks `zip` into `dir` (created whole or not at all: a temporary sibling renamed into place, so two
 * unpackers of the same package never see half a directory). Throws CodeError for an unusable package.
 */
export async function unpack(zip: Uint8Array, dir: string): Promise<void> {
  if (existsSync(dir)) return;
  let declared = 0;
  let tooBig = false;
  let files: Unzipped;
  try {
    files = await unzipAsync(zip, (f) => {
      declared += f.originalSize;
      tooBig ||= declared > MAX_UNZIPPED_BYTES;
      return !tooBig;
    });
  } catch (err) {
    throw new CodeError('InvalidZipFileException', `Could not unzip uploaded file: ${(err as Error).message}`);
  }
  if (tooBig)
    throw new CodeError('InvalidZipFileException', `Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
  const tmp = `${dir}.${randomUUID()}.tmp`;
  try {
    for (const [name, data] of Object.entries(files)) {
      const target = entryPath(tmp, name);
      if (target === undefined)
        throw new CodeError('InvalidZipFileException', `Could not unzip uploaded file: unsafe entry name ${name}`);
      if (name.endsWith('/')) {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, data);
    }
    await mkdir(tmp, { recursive: true });
    await rename(tmp, dir).catch(async (err: unknown) => {
      if (!existsSync(dir)) throw err; // another unpacker of the same package won the race
      await rm(tmp, { recursive: true, force: true });
    });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
