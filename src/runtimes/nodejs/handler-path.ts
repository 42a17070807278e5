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

/** The absolute file for a module path under the task root, or throws Runtime.ImportModuleError. */
export function resolveModuleFile(taskRoot: string, modulePath: string): string {
  const base = path.resolve(taskRoot, modulePath);
  for (const ext of EXTENSIONS) {
    const file = base + ext;
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  throw new HandlerError(
    'Runtime.ImportModuleError',
    `Error: Cannot find module '${path.basename(modulePath)}'\nRequire stack:\n- ${base}`,
  );
}

/** An error with a Lambda runtime error type (Runtime.*). */
export class HandlerError extends Error {
  constructor(type: string, message: string) {
    super(message);
    this.name = type;
  }
}
