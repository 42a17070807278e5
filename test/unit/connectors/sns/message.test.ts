// SNS messages: the record's JSON; an async record over 256 KB loses responsePayload, then requestPayload (DA-11).
import { describe, expect, it } from 'vitest';
import { SNS_MAX_BYTES, snsMessage } from '../../../../connectors/sns/message.js';

const big = (bytes: number) => 'x'.repeat(bytes);
const record = (request: string, response: string) => ({
  version: '1.0',
  requestContext: { requestId: 'r', condition: 'Success' },
  requestPayload: { request },
  responseContext: { statusCode: 200 },
  responsePayload: { response },
});

describe('SNS message', () => {
  it('DEST-7/DEST-8 a record that fits is its JSON unchanged', () => {
    const r = record('a', 'b');
    expect(snsMessage(r)).toBe(JSON.stringify(r));
  });

  it('DEST-9 a DLQ Buffer is sent byte for byte', () => {
    expect(snsMessage(Buffer.from('{ "a" : 1 }'))).toBe('{ "a" : 1 }');
  });

  it('DA-11 over 256 KB: responsePayload goes first, every other field stays', () => {
    const m = JSON.parse(snsMessage(record('small', big(SNS_MAX_BYTES)))) as Record<string, unknown>;
    expect(m).not.toHaveProperty('responsePayload');
    expect(m).toMatchObject({ requestPayload: { request: 'small' }, responseContext: { statusCode: 200 } });
  });

  it('DA-11 still over: requestPayload goes too', () => {
    const m = JSON.parse(snsMessage(record(big(SNS_MAX_BYTES), 'small'))) as Record<string, unknown>;
    expect(Object.keys(m)).toEqual(['version', 'requestContext', 'responseContext']);
  });
});
