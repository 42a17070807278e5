// A Redis that may be down or hung (issue #13): discovery must notice it (readiness reports the mapping); closing
// without being held is src/ports/quit.ts.
import type { Redis } from 'ioredis';

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
