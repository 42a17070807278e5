// A Redis that may be down or hung (issue #13): discovery must notice it (readiness reports the mapping) and
// closing must not hold SIGTERM.
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

/** PING within PING_WAIT_MS or reject: commands otherwise wait for a Redis that is down for as long as it is down. */
export async function pingWithin(redis: Redis, ms = PING_WAIT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer PING within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([redis.ping(), late]);
  } finally {
    clearTimeout(timer);
  }
}

const PING_WAIT_MS = 5_000;
