// The scale benchmark's own pieces: the record counter its no-op handler relies on, the drain loop over the
// memory stream, and the service config it generates for the idle-mappings curve (must stay valid).
import { describe, expect, it } from 'vitest';
import { buildKafkaEvent, toKafkaRecord } from '../../../connectors/kafka/index.js';
import { toStreamRecord } from '../../../connectors/redis/event.js';
import { buildRedisEvent, toRedisRecord } from '../../../connectors/redis/index.js';
import {
  countRecords,
  countingInvoker,
  drain,
  filledMemoryStream,
  startMapping,
  streamOptions,
} from '../../../bench/scale/common.js';
import { idleConfig } from '../../../bench/scale/idle-mappings.js';
import { loadConfigText } from '../../../src/config/loader.js';

describe('bench/scale', () => {
  it('counts the records of Kinesis-shaped, Redis and Kafka events without parsing them', async () => {
    const stream = filledMemoryStream(1, 7);
    const source = stream.source();
    const [shard] = await source.listShards();
    const reader = await source.open(shard!, { type: 'TRIM_HORIZON' });
    const { records } = await reader.read(100, new AbortController().signal);
    const kinesis = Buffer.from(source.events.event(shard!, records));
    expect(countRecords(kinesis)).toBe(7);

    const redis = [1, 2, 3].map((i) =>
      toStreamRecord(toRedisRecord('k', `${i}-0`, ['n', String(i), 'body', 'x'], 'us-east-1')),
    );
    expect(countRecords(Buffer.from(buildRedisEvent(redis)))).toBe(3);

    const kafka = [0, 1, 2, 3].map((i) => ({
      position: String(i),
      partitionKey: '',
      arrivalMs: 0,
      sizeBytes: 0,
      record: toKafkaRecord('t', i % 2, {
        key: null,
        value: Buffer.from('v'),
        timestamp: '0',
        offset: String(i),
      }) as never,
    }));
    expect(countRecords(Buffer.from(buildKafkaEvent('b:9092', kafka)))).toBe(4);
  });

  it('drains a memory stream through the stream engine and reports every record', async () => {
    const stream = filledMemoryStream(4, 2000);
    const result = await drain(2000, 10_000, (on) => [
      startMapping(stream.source(), countingInvoker(on), streamOptions({ batchSize: 50 })),
    ]);
    expect(result.handled).toBe(2000);
    expect(result.rate).toBeGreaterThan(0);
  });

  it.each(['none', 'memory-queue', 'memory-stream', 'sqs'] as const)(
    'generates a valid service config for 100 idle %s mappings',
    (kind) => {
      const queues = Array.from({ length: 100 }, (_v, i) => `q-${i}`);
      const config = idleConfig(12345, kind, 100, 'run', queues, 'http://127.0.0.1:9324');
      const result = loadConfigText(JSON.stringify(config), '/tmp/sluice.json', {});
      expect(result.problems).toEqual([]);
      expect(result.config?.mappings.length).toBe(kind === 'none' ? 0 : 100);
    },
  );
});
