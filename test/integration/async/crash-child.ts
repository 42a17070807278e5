// A sluice-like process that claims async events and is then killed with SIGKILL by the test.
import { createRedisAsyncQueue } from '../../../src/state/async-redis.js';

const [url, prefix, ttl] = process.argv.slice(2);
const queue = createRedisAsyncQueue({ url: url!, prefix: prefix! });
const claimed = await queue.claim('doomed', 100, Date.now(), Number(ttl));
process.stdout.write(`claimed ${claimed.length}\n`);
setInterval(() => undefined, 60_000); // wait to be killed
