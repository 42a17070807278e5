// What a Kafka stream source is built with (connection tuning, the mapping's group and position, schema decoding).
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
