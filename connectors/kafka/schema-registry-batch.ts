// One fetched Kafka batch through the schema registry decoder (SR-8, DA-8): records in order, the registry being
// unreachable retried with backoff while the partition is still ours (nothing is skipped or committed past).
import type { EachBatchPayload } from 'kafkajs';
import type { Logger } from '../../src/ports/logger.js';
import type { StreamRecord } from '../../src/ports/sources.js';
import { toKafkaRecord } from './event.js';
import type { PartitionState } from './partition-state.js';
import { SchemaRegistryUnavailableError, type KafkaSchemaDecoder } from './schema-registry.js';

export interface DecodeHooks {
  /** SchemaRegistryErrorCount (SR-14): every failed fetch or decode. */
  onError(): void;
  logger(): Logger;
  stopped(): boolean;
}

const MAX_BACKOFF_MS = 5_000;

/**
 * The decoded records of the batch, index for index (undefined where the engine already has the record), or
 * undefined when the partition was lost or the source stopped while the registry was down.
 */
export async function decodeBatch(
  decoder: KafkaSchemaDecoder,
  payload: EachBatchPayload,
  st: PartitionState,
  hooks: DecodeHooks,
): Promise<Array<StreamRecord | undefined> | undefined> {
  const { batch } = payload;
  const out: Array<StreamRecord | undefined> = [];
  for (const m of batch.messages) {
    if (Number(m.offset) < st.nextExpected) {
      out.push(undefined);
      continue;
    }
    const rec = toKafkaRecord(batch.topic, batch.partition, m);
    for (let attempt = 1; ; attempt++) {
      try {
        out.push(await decoder.decode(rec, m.key, m.value, () => hooks.onError()));
        break;
      } catch (err) {
        if (!(err instanceof SchemaRegistryUnavailableError)) throw err;
        hooks.logger().warn({ err, offset: m.offset, attempt }, 'schema registry unavailable; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt)));
        if (st.lost || hooks.stopped() || payload.isStale()) return undefined;
        // Heartbeats keep the group membership while the partition waits.
        await payload.heartbeat().catch(() => undefined);
      }
    }
  }
  return out;
}
