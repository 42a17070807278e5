// Async scenario helpers: a private Redis database on the shared server, and a producer that keeps
// retrying one event until sluice accepts it (202) — while sluice or Redis is down it gets errors.
import type { Redis } from 'ioredis';

/** An empty Redis database index (1..15), so the fixed async-queue keys do not meet another run's. */
export async function freeRedisDb(client: Redis): Promise<number> {
  const start = 1 + Math.floor(Math.random() * 15);
  for (let k = 0; k < 15; k++) {
    const db = 1 + ((start - 1 + k) % 15);
    await client.select(db);
    if ((await client.dbsize()) === 0) return db;
  }
  throw new Error('no empty Redis database in 1..15');
}

export async function submitEvent(url: string, fn: string, event: object, giveUpMs = 60_000): Promise<void> {
  const deadline = Date.now() + giveUpMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/2015-03-31/functions/${fn}/invocations`, {
        method: 'POST',
        headers: { 'X-Amz-Invocation-Type': 'Event' },
        body: JSON.stringify(event),
      });
      await res.arrayBuffer();
      if (res.status === 202) return;
      if (res.status < 500) throw new Error(`sluice refused the event: ${res.status}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('sluice refused')) throw err;
    }
    if (Date.now() > deadline) throw new Error(`event ${JSON.stringify(event)} not accepted in ${giveUpMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
