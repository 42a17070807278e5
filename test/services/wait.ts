import { existsSync, readFileSync } from 'node:fs';
import type { ServerProcess } from './proc.js';
import { tail } from './proc.js';

export class ServerStartError extends Error {
  override name = 'ServerStartError';
}

/**
 * Polls `probe` (one real request to the server) until it succeeds. Fails fast with the server's own log when the
 * process exits, and with the log plus the last probe error on timeout.
 */
export async function waitReady(
  proc: ServerProcess,
  probe: () => Promise<void>,
  timeoutMs: number,
  /** A log line meaning the server will never become ready even though its process lives on. */
  fatal?: RegExp,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let delay = 50; ; delay = Math.min(delay * 2, 250)) {
    const exit = proc.exited();
    if (exit) {
      throw new ServerStartError(
        `${proc.name} exited (code ${String(exit.code)}, signal ${String(exit.signal)}) before it was ready.\n` +
          `--- last lines of ${proc.logFile} ---\n${tail(proc.logFile)}`,
      );
    }
    if (fatal && existsSync(proc.logFile) && fatal.test(readFileSync(proc.logFile, 'utf8'))) {
      await proc.stop();
      throw new ServerStartError(
        `${proc.name} failed to start.\n--- last lines of ${proc.logFile} ---\n${tail(proc.logFile)}`,
      );
    }
    try {
      await probe();
      return;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      await proc.stop();
      throw new ServerStartError(
        `${proc.name} did not answer within ${timeoutMs} ms (last probe error: ${String(lastError)}).\n` +
          `--- last lines of ${proc.logFile} ---\n${tail(proc.logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}
