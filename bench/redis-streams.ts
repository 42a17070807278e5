// npm run bench:redis [-- entries [keys [bodyBytes]]] [--quick]: sluice (engine + Redis Streams connector + no-op
// handler) against a raw XREADGROUP + XACK loop; see bench/scenarios/redis.ts for what each side does.
// Server: SLUICE_REDIS_URL, else .services/servers.json.
import { printRows } from './lib/print-rows.js';
import { runRedisBench } from './scenarios/redis.js';

const args = process.argv.slice(2).filter((a) => a !== '--quick');
const quick = process.argv.includes('--quick');
const num = (i: number, d: number) => (args[i] === undefined ? d : Number(args[i]));
const rows = await runRedisBench(
  { quick, progress: (m) => console.error(m) },
  {
    entries: num(0, quick ? 20_000 : 100_000),
    keys: num(1, 1),
    bodyBytes: num(2, 100),
    batchSize: 100,
    rounds: 3,
    rate: 500,
    seconds: quick ? 2 : 5,
  },
);
printRows(rows);
