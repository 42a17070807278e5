import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Downloaded server runtimes (Maven jars etc.); shared between clones when SLUICE_CACHE_DIR is set. */
export function cacheDir(): string {
  const fromEnv = process.env.SLUICE_CACHE_DIR;
  return fromEnv ? path.resolve(fromEnv) : path.join(repoRoot, '.cache');
}

/** State of `npm run services:up` (git-ignored). */
export const servicesDir = path.join(repoRoot, '.services');
export const servicesFile = path.join(servicesDir, 'servers.json');
