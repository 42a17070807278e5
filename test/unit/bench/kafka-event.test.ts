// The Kafka raw loop builds the same Lambda event as sluice: same bytes as the connector's event for the same
// messages, so the "same output" raw row compares like with like.
import { describe, expect, it } from 'vitest';
import { kafkaEvents } from '../../../connectors/kafka/event.js';
import { kafkaStreamRecord } from '../../../connectors/kafka/fetch-chunk.js';
import { kafkaEventBytes, type EventMessage } from '../../../bench/scenarios/kafka-event.js';

const msg = (offset: number, over: Partial<EventMessage> = {}): EventMessage => ({
  key: Buffer.from(`k${offset}`),
  value: Buffer.alloc(100, 'x'),
  timestamp: String(1_700_000_000_000 + offset),
  offset: String(offset),
  headers: {},
  ...over,
});

/** The event text sluice's engine hands the function: the source's StreamEvents over its own records. */
function sluiceBytes(servers: string, topic: string, partition: number, ms: EventMessage[]): string {
  const records = ms.map((m) => kafkaStreamRecord(topic, partition, m));
  return kafkaEvents(servers)
    .event({ id: `${topic}-${partition}`, parentIds: [] }, records)
    .toString('utf8');
}

describe('bench Kafka raw loop event (same output as sluice)', () => {
  it('KAF-1 the benchmark records: key, 100 B value, no headers', () => {
    const ms = Array.from({ length: 100 }, (_, i) => msg(1000 + i));
    const raw = kafkaEventBytes('localhost:9092,localhost:9093', 'bench-t', 3, ms).toString('utf8');
    expect(raw).toBe(sluiceBytes('localhost:9092,localhost:9093', 'bench-t', 3, ms));
  });

  it('KAF-3 null key, null value, headers (repeated, null), LOG_APPEND_TIME', () => {
    const ms = [
      msg(0, { key: null }),
      msg(1, { value: null, headers: { a: Buffer.from('xy'), b: [Buffer.from('1'), 'two'], c: undefined } }),
      msg(2, { batchContext: { timestampType: 1 }, headers: { n: null as unknown as Buffer } }),
    ];
    expect(kafkaEventBytes('b:1', 'topic.with-dots_', 0, ms).toString('utf8')).toBe(
      sluiceBytes('b:1', 'topic.with-dots_', 0, ms),
    );
  });
});
