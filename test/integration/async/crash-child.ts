// A sluice-like process killed with SIGKILL by the test: `claim` claims async events and waits; `accept`
// enqueues fresh events (the Invoke API's 202 is answered once enqueue resolves) and waits, never claiming.
import { createRedisAsyncQueue } from '../../../src/state/async-redis.js';

const [url, prefix, ttlOrCount, mode = 'claim'] = process.argv.slice(2);
const queue = createRedisAsyncQueue({ url: url!, prefix: prefix! });
if (mode === 'accept') {
  const ids = Array.from({ length: Number(ttlOrCount) }, (_, i) => `a${i}`);
  const now = Date.now();
  await Promise.all(
    ids.map((id) =>
      queue.enqueue({
        id,
        functionName: 'fn',
        qualifier: '$LATEST',
        payload: Buffer.from(`{"id":"${id}"}`).toString('base64'),
        enqueuedAtMs: now,
        dueAtMs: now,
        attempts: 0,
        throttleRetries: 0,
      }),
    ),
  );
  process.stdout.write(`accepted ${ids.length}\n`);
} else {
  const claimed = await queue.claim('doomed', 100, Date.now(), Number(ttlOrCount));
  process.stdout.write(`claimed ${claimed.length}\n`);
}
setInterval(() => undefined, 60_000); // wait to be killed
