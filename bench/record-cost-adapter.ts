// The connector calls bench/record-cost.ts measures (kept apart so the measurement reads the same before and after).
import type { KafkaMessageLike } from '../connectors/kafka/event.js';
import { FetchChunk, kafkaStreamRecord as kafkaRecord } from '../connectors/kafka/fetch-chunk.js';
import { redisRecordShape } from '../connectors/redis/event.js';
import { packEntries, type Entry } from '../connectors/redis/read-pack.js';
import type { ShardInfo, StreamEvents, StreamRecord } from '../src/ports/sources.js';

export const kafkaStreamRecord = (topic: string, partition: number, m: KafkaMessageLike): StreamRecord =>
  kafkaRecord(topic, partition, m);
/** The Redis source's path: each read's entries packed at once. */
export const redisReadRecords = (key: string, read: readonly Entry[], region: string): StreamRecord[] =>
  packEntries(redisRecordShape(key, region), read);
export const eventBytes = (events: StreamEvents, shard: ShardInfo, rs: StreamRecord[]): Buffer =>
  events.event(shard, rs);
/** The Kafka source's path: each fetch packed (FetchChunk), records made as the engine takes them. */
export const kafkaFetchRecords = (
  topic: string,
  partition: number,
  fetch: readonly KafkaMessageLike[],
): StreamRecord[] => {
  const chunk = FetchChunk.of(topic, partition, `${topic}-${partition}`, fetch);
  const out: StreamRecord[] = [];
  chunk.take(fetch.length, out);
  return out;
};
