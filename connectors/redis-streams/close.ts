// Closing a connection to a Redis that may be down: the source must not hold SIGTERM (issue #13).
import type { Redis } from 'ioredis';

/**
 * QUIT lets replies in flight arrive, but a Redis that is down or hung would hold it (and the process) forever:
 * after QUIT_WAIT_MS the connection is dropped, which also fails any command still waiting.
 */
export async function closeRedis(redis: Redis): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([redis.quit().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, QUIT_WAIT_MS)))]);
  clearTimeout(timer);
  redis.disconnect();
}

const QUIT_WAIT_MS = 1_000;
