// npm run bench:kafka [-- records [partitions [valueBytes]]] [--quick]: sluice (engine + Kafka connector + no-op
// handler) against a raw kafkajs eachBatch consumer and a raw @platformatic/kafka one; see bench/scenarios/kafka.ts.
// Broker: SLUICE_KAFKA_BROKERS, else .services/servers.json.
import { runKafkaBench } from './scenarios/kafka.js';
import { printRows } from './lib/print-rows.js';

const args = process.argv.slice(2).filter((a) => a !== '--quick');
const quick = process.argv.includes('--quick');
const num = (i: number, d: number) => (args[i] === undefined ? d : Number(args[i]));
const rows = await runKafkaBench(
  { quick, progress: (m) => console.error(m) },
  {
    records: num(0, quick ? 200_000 : 500_000),
    partitions: num(1, 4),
    valueBytes: num(2, 100),
    batchSize: 100,
    rounds: 3,
    rate: 500,
    seconds: quick ? 2 : 5,
  },
);
printRows(rows);
