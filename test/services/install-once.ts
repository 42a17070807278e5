// Installs something into a cache directory once, shared by parallel runs: a lock directory next to it, a marker
// file inside it when done. A lock older than the longest install is left by a killed run and is broken.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LONGEST_MS = 10 * 60_000;

/** Runs `install(dir)` unless `dir` is already installed; resolves to `dir`. */
export async function installOnce(dir: string, install: (dir: string) => Promise<void>): Promise<string> {
  const marker = path.join(dir, '.installed');
  if (existsSync(marker)) return dir;
  const lock = `${dir}.lock`;
  mkdirSync(path.dirname(lock), { recursive: true });
  for (const deadline = Date.now() + LONGEST_MS; ;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(marker)) return dir;
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held !== undefined && Date.now() - held.mtimeMs > LONGEST_MS) rmSync(lock, { force: true, recursive: true });
      if (Date.now() > deadline) throw new Error(`${dir}: ${lock} is held by another run for 10 minutes`);
      await sleep(1000);
    }
  }
  try {
    if (existsSync(marker)) return dir;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await install(dir);
    writeFileSync(marker, `${new Date().toISOString()}\n`);
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
