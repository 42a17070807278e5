// `sluice validate`: does each nodejs function's Handler name a module file the runtime will find? Resolution is
// the runtime's own (handler-path.ts); when it fails, nearby files of the same name say what to do. Exports are not
// checked: that would mean running the module.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseHandler, resolveModuleFile } from '../runtimes/nodejs/handler-path.js';
import type { CompiledConfig, CompiledFunction } from './compile.js';
import type { Problem } from './problems.js';

const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];
const TS = /\.[mc]?ts$/;

function isDir(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory();
}

/** Files named like the module in its folder, the task root and the task root's src/ (where sources usually live). */
function lookalikes(taskRoot: string, modulePath: string): string[] {
  const base = path.basename(modulePath);
  const dirs = [...new Set([path.dirname(path.resolve(taskRoot, modulePath)), taskRoot, path.join(taskRoot, 'src')])];
  return dirs.flatMap((dir) =>
    isDir(dir)
      ? readdirSync(dir)
          .filter((f) => MODULE_EXTENSIONS.some((ext) => f === base + ext))
          .map((f) => path.join(dir, f))
      : [],
  );
}

function handlerProblem(config: CompiledConfig, fn: CompiledFunction, stripsTypes: boolean): string | undefined {
  const handler = String(fn.settings.Handler);
  const codeUri = typeof fn.settings.CodeUri === 'string' ? fn.settings.CodeUri : '.';
  const taskRoot = path.resolve(config.baseDir, codeUri);
  if (!isDir(taskRoot)) return `CodeUri ${codeUri} is not a directory (${taskRoot})`;
  let modulePath: string;
  try {
    ({ modulePath } = parseHandler(handler));
  } catch {
    return `"${handler}" is not path/module.export`;
  }
  try {
    resolveModuleFile(taskRoot, modulePath, stripsTypes);
    return undefined;
  } catch {
    // Not found where the runtime looks: explained below.
  }
  const rel = (f: string) => path.relative(config.baseDir, f) || '.';
  const wanted = rel(path.resolve(taskRoot, modulePath));
  const exts = stripsTypes ? MODULE_EXTENSIONS : MODULE_EXTENSIONS.filter((e) => !TS.test(e));
  const looked = `no ${wanted}${exts.join('|')}`;
  const found = lookalikes(taskRoot, modulePath)[0];
  if (found === undefined) return `${looked} (relative to ${codeUri === '.' ? "the config file's folder" : 'CodeUri'})`;
  const sameDir = path.dirname(found) === path.dirname(path.resolve(taskRoot, modulePath));
  const handlerFor = (f: string) =>
    `${path.relative(taskRoot, f).replace(/\.[^.]+$/, '')}.${handler.slice(modulePath.length + 1)}`;
  if (TS.test(found) && sameDir)
    return `${looked}; found ${rel(found)}: build it to .js, or run sluice on Node.js 24, which runs it as is`;
  if (TS.test(found))
    return `${looked}; found ${rel(found)}: build it to ${wanted}.js, or set Handler to "${handlerFor(found)}"`;
  return `${looked}; found ${rel(found)}: set Handler to "${handlerFor(found)}"`;
}

/** One problem per nodejs function whose handler module is not where the runtime will look. */
export function handlerFileProblems(
  config: CompiledConfig,
  stripsTypes: boolean = process.features.typescript !== undefined && process.features.typescript !== false,
): Problem[] {
  const problems: Problem[] = [];
  for (const fn of config.functions.values()) {
    if (fn.runtime !== 'nodejs') continue;
    const message = handlerProblem(config, fn, stripsTypes);
    if (message !== undefined) problems.push({ path: `functions.${fn.name}.Handler`, message });
  }
  return problems;
}
