// When sluice runs from TypeScript sources (vitest, tsx), there is no compiled bootstrap.js.
// Loading the .ts bootstrap through tsx in every environment costs about a second per cold start, so the
// bootstrap and the local modules it imports are transpiled once into a temp folder named by a hash
// of the output (reused by later runs, never half-written: it is built aside and renamed in place).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as TypeScriptApi from 'typescript';

let cached: URL | undefined;

/** A file URL of a runnable JS bootstrap for the TypeScript source at `bootstrapTs`. */
export function transpiledBootstrap(bootstrapTs: URL): URL {
  if (cached) return cached;
  const entry = fileURLToPath(bootstrapTs);
  const root = path.dirname(path.dirname(entry)); // src/runtimes: the bootstrap's imports stay inside it
  const files = transpileClosure(entry, root);
  const hash = createHash('sha256');
  for (const [name, js] of files) hash.update(`${name}\0${js}\0`);
  const dir = path.join(tmpdir(), `sluice-bootstrap-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(dir)) {
    const staging = mkdtempSync(`${dir}-staging-`);
    writeFileSync(path.join(staging, 'package.json'), '{"type":"module"}');
    for (const [name, js] of files) {
      mkdirSync(path.dirname(path.join(staging, name)), { recursive: true });
      writeFileSync(path.join(staging, name), js);
    }
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process got there first
    }
  }
  cached = pathToFileURL(path.join(dir, toJs(path.relative(root, entry))));
  return cached;
}

/** Transpiles `entry` and the local modules it imports: relative output name → JS. */
function transpileClosure(entry: string, root: string): Map<string, string> {
  // typescript is a devDependency, present whenever sources run as .ts.
  const ts = createRequire(import.meta.url)('typescript') as typeof TypeScriptApi;
  const files = new Map<string, string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    const name = toJs(path.relative(root, file));
    if (files.has(name)) continue;
    const js = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    }).outputText;
    files.set(name, js);
    // Follow relative value imports (type-only imports are erased by transpilation).
    for (const match of js.matchAll(/from\s+'(\.{1,2}\/[^']+)\.js'/g)) {
      pending.push(path.resolve(path.dirname(file), `${match[1]}.ts`));
    }
  }
  return files;
}

function toJs(file: string): string {
  return file.replace(/\.ts$/, '.js');
}
