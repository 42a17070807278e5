// The Kafka source's settings (the connection's `consumer` block and the mapping's) and their defaults.
import type { StartPosition } from '../../src/ports/sources.js';
import type { KafkaSchemaDecoder } from './schema-registry.js';

export interface KafkaSourceOptions {
  topic: string;
  /** MSK (KAF-4): the cluster ARN the mapping named; the event then says aws:kafka. */
  clusterArn?: string;
  groupId: string;
  mappingId: string;
  functionName?: string;
  startingPosition: StartPosition;
  /** Records buffered per partition before it is paused. */
  bufferRecords?: number;
  /** Bytes (records' event JSON) buffered per partition before it is paused. */
  bufferBytes?: number;
  /** kafkajs fetch sizes: per partition, and per fetch response. */
  maxBytesPerPartition?: number;
  maxBytes?: number;
  /** How long an empty read waits for records before returning none. */
  readWaitMs?: number;
  /** Period of the offset-lag gauges (KAF-19); 0 turns them off. */
  lagIntervalMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Fetch long-poll of the consumer. */
  maxWaitTimeMs?: number;
  /** SchemaRegistryConfig (SR-8): records are decoded before the engine sees them. */
  schemas?: KafkaSchemaDecoder;
}

// #20: a partition's buffer holds at least two fetches, in records (a 1 MiB fetch of 100 B records is ~6,000; a
// buffer smaller than one fetch held one partition to 60k records/s) and in bytes: twice Lambda's 6 MB event, so a
// 100 KB-record partition buffers ~12 MiB, not 5,000 records (500 MB). A paused partition holds at most the cap
// plus the fetch in flight.
export const DEFAULT_BUFFER = 20_000;
export const DEFAULT_BUFFER_BYTES = 12 * 1024 * 1024;
/** kafkajs' own defaults, kept unless the byte cap is smaller than two of them. */
export const DEFAULT_MAX_BYTES_PER_PARTITION = 1024 * 1024;
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_READ_WAIT_MS = 100;
export const DEFAULT_LAG_MS = 30_000;
// kafkajs sleeps this long when every assigned partition is paused, so keep it short.
export const DEFAULT_MAX_WAIT_MS = 100;

/** kafkajs fetch sizes: the read-ahead holds at least two fetches under the partition's byte cap. */
export function fetchSizes(
  options: KafkaSourceOptions,
  capacityBytes: number,
): { maxBytesPerPartition: number; maxBytes: number } {
  return {
    maxBytesPerPartition:
      options.maxBytesPerPartition ??
      Math.max(1, Math.min(DEFAULT_MAX_BYTES_PER_PARTITION, Math.floor(capacityBytes / 2))),
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
  };
}
