// Shared pieces of the Kafka integration tests: a unique topic per test, a quiet logger, read-until helpers.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from '../../../src/ports/logger.js';
import type { ShardReader, StreamRecord } from '../../../src/ports/sources.js';
import { kafkaBrokers } from './env.js';

export const quietLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => quietLogger,
};

export function rawKafka(): Kafka {
  return new Kafka({ clientId: 'sluice-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
}

export async function createTopic(kafka: Kafka, partitions: number): Promise<string> {
  const topic = `t-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** Reads from every reader until `count` records arrived in total or `ms` passed. */
export async function readAll(
  readers: Map<string, ShardReader>,
  count: number,
  ms = 20_000,
): Promise<Map<string, StreamRecord[]>> {
  const out = new Map<string, StreamRecord[]>();
  const signal = new AbortController().signal;
  const deadline = Date.now() + ms;
  let total = 0;
  while (total < count && Date.now() < deadline) {
    for (const [id, reader] of readers) {
      const { records } = await reader.read(500, signal);
      if (records.length === 0) continue;
      out.set(id, [...(out.get(id) ?? []), ...records]);
      total += records.length;
    }
  }
  return out;
}

export async function until<T>(fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
