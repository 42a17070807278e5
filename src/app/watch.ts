// The dev loop: `sluice start --watch` reloads a nodejs function's code when a file under its code directory
// changes, and the config when its file changes; SIGHUP reloads the config too. An invalid config is refused
// with every problem logged, and the running one stays.
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { LoadResult } from '../config/loader.js';
import type { Logger } from '../ports/logger.js';
import type { App } from './app.js';
import { functionSpec } from './functions.js';

/** Editors write a file in several steps (truncate, write, rename): one reload after they are done. */
const DEBOUNCE_MS = 150;

/** Loads and compiles the file (`load`), then applies it; resolves true when it was applied. */
export async function reloadConfig(
  app: App,
  file: string,
  load: () => Promise<LoadResult | undefined>,
  logger: Logger,
): Promise<boolean> {
  const result = await load();
  if (result === undefined) {
    logger.error({ file }, 'config reload refused: the file could not be read; the running config stays');
    return false;
  }
  if (result.config === undefined) {
    for (const p of result.problems) logger.error({ file, path: p.path, line: p.line, column: p.column }, p.message);
    logger.error({ file, problems: result.problems.length }, 'config reload refused: the running config stays');
    return false;
  }
  for (const w of result.warnings) logger.warn({ path: w.path, line: w.line, column: w.column }, w.message);
  await app.reload(result.config);
  logger.info({ file }, 'config reloaded');
  return true;
}

/** A path under a code directory whose change reloads the code: not in node_modules, not a dotfile. */
export function isCodeChange(relative: string): boolean {
  return !relative.split(/[\\/]/).some((part) => part === 'node_modules' || part.startsWith('.'));
}

function debounced(fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, DEBOUNCE_MS);
  };
}

export interface Watcher {
  close(): void;
}

/** Watches the config file and each nodejs function's code directory (again after every config reload). */
export function watchForChanges(app: App, file: string, reloadConfig: () => Promise<unknown>, logger: Logger): Watcher {
  const codeWatchers = new Map<string, FSWatcher>();
  const pending = new Set<string>();
  const flushCode = debounced(() => {
    for (const name of pending) app.reloadCode(name);
    pending.clear();
  });
  const watchCode = (): void => {
    // Function name per code directory: one watcher for each directory, which several functions may share.
    const dirs = new Map<string, string[]>();
    for (const fn of app.config.functions.values()) {
      if (fn.runtime !== 'nodejs') continue;
      const dir = String(functionSpec(app.config, fn).settings.CodeUri);
      dirs.set(dir, [...(dirs.get(dir) ?? []), fn.name]);
    }
    for (const [dir, w] of codeWatchers) {
      if (dirs.has(dir)) continue;
      w.close();
      codeWatchers.delete(dir);
    }
    for (const [dir] of dirs) {
      if (codeWatchers.has(dir)) continue;
      try {
        const w = watch(dir, { recursive: true }, (_event, name) => {
          if (name !== null && !isCodeChange(name)) return;
          if (name !== null && path.resolve(dir, name) === path.resolve(file)) return;
          // The functions of this directory as the config has them now.
          for (const fn of app.config.functions.values())
            if (fn.runtime === 'nodejs' && functionSpec(app.config, fn).settings.CodeUri === dir) pending.add(fn.name);
          flushCode();
        });
        w.on('error', (err) => logger.warn({ err, dir }, 'stopped watching a code directory'));
        codeWatchers.set(dir, w);
      } catch (err) {
        logger.warn({ err, dir }, 'cannot watch the code directory; code changes need a restart');
      }
    }
  };
  watchCode();
  // The directory, not the file: editors replace the file, and a watcher of the old one would see nothing more.
  const configName = path.basename(file);
  const onConfig = debounced(() => void reloadConfig().then(watchCode));
  const configWatcher = watch(path.dirname(path.resolve(file)), (_event, name) => {
    if (name === configName) onConfig();
  });
  logger.info({ config: file, codeDirectories: [...codeWatchers.keys()] }, 'watching for changes');
  return {
    close: () => {
      configWatcher.close();
      for (const w of codeWatchers.values()) w.close();
    },
  };
}
