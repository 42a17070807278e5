// The Kafka bench's kafkajs raw side: eachBatch (one partition at a time, kafkajs' default, as sluice's consumer),
// each fetched batch handed to the no-op handler BatchSize messages at a time, then one commit of the batch's
// offsets (autoCommit off) before the next fetch is processed. With `event`, each chunk is first turned into the
// same Lambda event bytes sluice builds (kafka-event.ts): the fair baseline for sluice's per-record cost.
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { OnRecords, RunningSide } from '../lib/side-runs.js';
import { kafkaEventBytes } from './kafka-event.js';

/** Size of the last event the raw loop built: the no-op handler keeps it, so building it is never dead code. */
export let lastEventBytes = 0;
const handled = (event: Buffer): void => void (lastEventBytes = event.length);

export interface RawKafkajsOptions {
  batchSize: number;
  maxWaitMs: number;
  /** Build the Lambda event of each chunk (bootstrap servers as sluice names them); bare counting without. */
  event?: { bootstrapServers: string };
}

export async function rawKafkajsSide(
  kafka: Kafka,
  topic: string,
  o: RawKafkajsOptions,
  onRecords: OnRecords,
  timed: boolean,
): Promise<RunningSide> {
  const consumer: Consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, maxWaitTimeInMs: o.maxWaitMs });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let joined: (at: bigint) => void = () => {};
  const ready = new Promise<bigint>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined(process.hrtime.bigint()));
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const { messages } = batch;
      let last: string | undefined;
      for (let i = 0; i < messages.length && payload.isRunning() && !payload.isStale(); i += o.batchSize) {
        const chunk = messages.slice(i, i + o.batchSize);
        // The no-op handler gets the event, then the harness counts.
        if (o.event) handled(kafkaEventBytes(o.event.bootstrapServers, batch.topic, batch.partition, chunk));
        onRecords(chunk.length, timed ? chunk.map((m) => Number(m.timestamp)) : undefined);
        last = chunk[chunk.length - 1]!.offset;
        payload.resolveOffset(last);
      }
      if (last !== undefined)
        await consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: String(Number(last) + 1) },
        ]);
    },
  });
  return { readyAt: await ready, stop: () => consumer.disconnect() };
}
