// #20: the RabbitMQ event is assembled from each message's JSON written once at receive (source.ts); it must stay
// byte-for-byte the JSON.stringify of the event object sluice built before (spec §1.1).
import { describe, expect, it } from 'vitest';
import {
  buildRmqEvent,
  queueKey,
  RMQ_EVENT_TAIL,
  rmqEnvelopeBytes,
  rmqEventHead,
  toRmqMessage,
} from '../../../../connectors/rabbitmq/event.js';
import { joinRecords } from '../../../../src/ports/event-json.js';

const ARN = 'arn:aws:mq:us-east-2:111122223333:broker:orders:b-9bcfa592-423a-4942-879d-eb284b418fc8';

describe('RabbitMQ event bytes (#20)', () => {
  it('RMQ-2 / RMQ-7 head + message JSON + tail is JSON.stringify of the old event (unicode, headers, large body)', () => {
    const key = queueKey('örders "q"', '/v\\h');
    const msgs = [
      toRmqMessage(Buffer.from('héllo 😀 \u2028'), {}, false),
      toRmqMessage(
        Buffer.alloc(300 * 1024, 0xff),
        {
          contentType: 'application/json',
          headers: { s: 'ünï', n: 7, t: { '!': 'timestamp', value: 1 }, nested: { a: [Buffer.from([200])] } },
          timestamp: 1545082649,
          messageId: 'id "1"',
        },
        true,
      ),
    ];
    const fragments = msgs.map((m) => ({ record: { ...m }, json: JSON.stringify(m) }));
    const want = JSON.stringify(buildRmqEvent(ARN, key, msgs));
    expect(joinRecords(rmqEventHead(ARN, key), fragments, RMQ_EVENT_TAIL).toString()).toBe(want);
    expect(joinRecords(rmqEventHead(ARN, key), [], RMQ_EVENT_TAIL).toString()).toBe(JSON.stringify(buildRmqEvent(ARN, key, [])));
    expect(Buffer.byteLength(rmqEventHead(ARN, key) + RMQ_EVENT_TAIL)).toBe(rmqEnvelopeBytes(ARN, key));
  });
});
