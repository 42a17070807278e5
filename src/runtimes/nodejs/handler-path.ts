// Resolves a Lambda handler string ("path/to/module.export") the way the Node.js runtime does.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export interface HandlerLocation {
  /** Module path relative to the task root, without extension ("src/app"). */
  modulePath: string;
  /** Export path inside the module; may be nested ("handlers.main"). */
  exportPath: string[];
}

/** Splits at the first dot after the last slash, as Lambda does ("lib/app.handler" → lib/app + handler). */
export function parseHandler(handler: string): HandlerLocation {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === handler.length - 1) {
    throw new HandlerError('Runtime.MalformedHandlerName', `Bad handler ${handler}`);
  }
  return { modulePath: handler.slice(0, dot), exportPath: handler.slice(dot + 1).split('.') };
}

// Lambda's Node.js runtime looks for these extensions in this order.
const EXTENSIONS = ['.js', '.mjs', '.cjs'];
// Not Lambda's: a local handler written in TypeScript runs as is where Node strips types (Node 24 by default), so
// the dev loop needs no build step. A built .js next to it still wins, as it would on Lambda.
const TS_EXTENSIONS = ['.ts', '.mts', '.cts'];

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}

/** The absolute file for a module path under the task root, or throws Runtime.ImportModuleError. */
export function resolveModuleFile(
  taskRoot: string,
  modulePath: string,
  stripsTypes: boolean = process.features.typescript !== undefined && process.features.typescript !== false,
): string {
  const base = path.resolve(taskRoot, modulePath);
  for (const ext of EXTENSIONS) if (isFile(base + ext)) return base + ext;
  const ts = TS_EXTENSIONS.find((ext) => isFile(base + ext));
  if (ts !== undefined && stripsTypes) return base + ts;
  const hint =
    ts === undefined
      ? ''
      : `\nFound ${path.basename(base + ts)}: this Node.js ${process.version} cannot run TypeScript; build it to .js or run sluice on Node.js 24.`;
  throw new HandlerError(
    'Runtime.ImportModuleError',
    `Error: Cannot find module '${path.basename(modulePath)}'\nRequire stack:\n- ${base}${hint}`,
  );
}

/** An error with a Lambda runtime error type (Runtime.*). */
export class HandlerError extends Error {
  constructor(type: string, message: string) {
    super(message);
    this.name = type;
  }
}
