// #21 redrive: which on-failure records name offset ranges (Kafka's KafkaBatchInfo.recordsInfo, KAF-17).
import { expect, it } from 'vitest';
import { parseFailureRecord } from '../../../src/app/redrive-replay.js';

const record = (batchInfo: Record<string, unknown>) =>
  JSON.stringify({
    requestContext: { requestId: 'r', condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
    responseContext: null,
    version: '1.0',
    timestamp: '2026-01-01T00:00:00.000Z',
    ...batchInfo,
  });

it('#21 redrive: a KafkaBatchInfo on-failure record names one offset range per partition', () => {
  const body = record({
    KafkaBatchInfo: {
      batchSize: 5,
      bootstrapServers: 'b:9092',
      payloadSize: 100,
      recordsInfo: {
        'orders-0': {
          firstRecordOffset: '4',
          lastRecordOffset: '6',
          firstRecordTimestamp: 'x',
          lastRecordTimestamp: 'y',
        },
        'orders-1': {
          firstRecordOffset: '10',
          lastRecordOffset: '11',
          firstRecordTimestamp: 'x',
          lastRecordTimestamp: 'y',
        },
      },
    },
  });
  expect(parseFailureRecord(body)).toEqual({
    kind: 'ranges',
    key: 'KafkaBatchInfo',
    ranges: [
      { shardId: 'orders-0', first: '4', last: '6' },
      { shardId: 'orders-1', first: '10', last: '11' },
    ],
  });
});

it('#21 redrive: a batch info without readable ranges stays unsupported (skipped with the reason)', () => {
  expect(parseFailureRecord(record({ KafkaBatchInfo: { recordsInfo: {} } }))).toEqual({
    kind: 'unsupported',
    key: 'KafkaBatchInfo',
  });
  expect(parseFailureRecord(record({ KafkaBatchInfo: { recordsInfo: { 't-0': { firstRecordOffset: 4 } } } }))).toEqual({
    kind: 'unsupported',
    key: 'KafkaBatchInfo',
  });
});
