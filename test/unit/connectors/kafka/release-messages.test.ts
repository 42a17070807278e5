// A kafkajs batch lets go of its decoded messages once packed, and what kafkajs still asks of it afterwards (an
// error log's first offset, an emptiness check) answers without throwing.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { releaseMessages } from '../../../../connectors/kafka/fetch-chunk.js';

/** kafkajs' own Batch class (not exported from its typed entry point). */
interface KafkajsBatch {
  messages: unknown[];
  rawMessages: unknown[];
  messagesWithinOffset: unknown[];
  firstOffset(): string | null;
  isEmpty(): boolean;
}
const KafkaBatch = createRequire(import.meta.url)('kafkajs/src/consumer/batch.js') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: unknown,
) => KafkajsBatch;

const message = (offset: string) => ({ offset, key: null, value: Buffer.from('v'), timestamp: '1', headers: {} });

describe('releaseMessages', () => {
  it('#20 empties the three message lists of a kafkajs 2.2.4 Batch; firstOffset and isEmpty still answer', () => {
    const partitionData = { partition: 0, highWatermark: '3', messages: [message('0'), message('1'), message('2')] };
    const batch = new KafkaBatch('t', '0', partitionData);
    expect(batch.messages).toHaveLength(3);
    releaseMessages(batch);
    expect(batch.messages).toHaveLength(0);
    expect(batch.rawMessages).toHaveLength(0);
    expect(batch.messagesWithinOffset).toHaveLength(0);
    expect(batch.firstOffset()).toBeNull();
    expect(batch.isEmpty()).toBe(true);
  });
});
