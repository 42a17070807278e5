import { describe, expect, it } from 'vitest';
import { readBatchResponse } from '../../../../src/core/esm/queue-batch-response.js';

const ids = new Set(['a', 'b', 'c']);
const read = (text: string) => readBatchResponse(Buffer.from(text), ids);

describe('readBatchResponse', () => {
  it('SQS-17 lists only the reported message ids as failed', () => {
    const v = read(JSON.stringify({ batchItemFailures: [{ itemIdentifier: 'b' }, { itemIdentifier: 'b' }] }));
    expect(v.kind).toBe('partial');
    expect(v.kind === 'partial' && [...v.failedIds]).toEqual(['b']);
  });

  it.each([
    ['an empty batchItemFailures list', '{"batchItemFailures":[]}'],
    ['batchItemFailures null', '{"batchItemFailures":null}'],
    ['an empty response object', '{}'],
    ['a null response', 'null'],
    ['an empty payload', ''],
    ['an object without batchItemFailures', '{"statusCode":200}'],
  ])('SQS-18 treats %s as complete success', (_name, text) => {
    expect(read(text).kind).toBe('all-succeeded');
  });

  it.each([
    ['invalid JSON', '{"batchItemFailures":['],
    ['an empty itemIdentifier', '{"batchItemFailures":[{"itemIdentifier":""}]}'],
    ['a null itemIdentifier', '{"batchItemFailures":[{"itemIdentifier":null}]}'],
    ['a wrongly named key', '{"batchItemFailures":[{"ItemIdentifier":"a"}]}'],
    ['an id not in the batch', '{"batchItemFailures":[{"itemIdentifier":"zzz"}]}'],
    ['one good and one unknown id', '{"batchItemFailures":[{"itemIdentifier":"a"},{"itemIdentifier":"x"}]}'],
    ['a numeric itemIdentifier', '{"batchItemFailures":[{"itemIdentifier":1}]}'],
    ['batchItemFailures that is not a list', '{"batchItemFailures":"a"}'],
    ['an entry that is not an object', '{"batchItemFailures":["a"]}'],
    ['a response that is not an object', '"ok"'],
  ])('SQS-19 treats %s as complete failure', (_name, text) => {
    expect(read(text).kind).toBe('all-failed');
  });
});
