// Closing a client connection (Redis for state stores and the redis connector) without letting a dead server hold
// SIGTERM: one home for both, so ports name no client library, only the two calls it needs.

/** A connection that can be asked to close politely (QUIT) and dropped at once. */
export interface Quittable {
  quit(): Promise<unknown>;
  disconnect(): void;
}

const QUIT_WAIT_MS = 1_000;

/**
 * QUIT lets replies in flight arrive, but a server that is down or hung would hold it (and the process) forever:
 * after QUIT_WAIT_MS the connection is dropped, which also fails any command still waiting.
 */
export async function quitWithin(conn: Quittable): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([conn.quit().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, QUIT_WAIT_MS)))]);
  clearTimeout(timer);
  conn.disconnect();
}
