import { createRequire } from 'node:module';

/** sluice's package version (`sluice --version`, sluice_build_info). */
export function sluiceVersion(): string {
  const require = createRequire(import.meta.url);
  for (const p of ['../../package.json', '../../../package.json']) {
    try {
      return (require(p) as { version: string }).version;
    } catch {
      // compiled (dist/src/observability) and source (src/observability) sit at different depths
    }
  }
  return 'unknown';
}
