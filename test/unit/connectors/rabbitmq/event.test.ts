import { describe, expect, it } from 'vitest';
import { headerValue, rmqTimestamp, toRmqMessage } from '../../../../connectors/rabbitmq/event.js';
import { queueOfUri, isBrokerArn } from '../../../../connectors/rabbitmq/address.js';
import { connectOptions, rabbitmqConnectionSchema } from '../../../../connectors/rabbitmq/connection.js';

describe('RabbitMQ event rendering', () => {
  it('RMQ-5 / DA-1 renders the AWS example timestamp (epoch 2021 s) as UTC text', () => {
    expect(rmqTimestamp(2021)).toBe('Jan 1, 1970, 12:33:41 AM');
    expect(rmqTimestamp(1772615702)).toBe('Mar 4, 2026, 9:15:02 AM');
    expect(rmqTimestamp(1772665200)).toBe('Mar 4, 2026, 11:00:00 PM');
    expect(rmqTimestamp(1772625600)).toBe('Mar 4, 2026, 12:00:00 PM');
  });

  it('RMQ-6 / DA-1 renders header values the way the Java client serializes them (signed bytes)', () => {
    expect(headerValue('acme')).toEqual({ bytes: [97, 99, 109, 101] });
    expect(headerValue('é')).toEqual({ bytes: [-61, -87] });
    expect(headerValue(10)).toBe(10);
    expect(headerValue(false)).toBe(false);
    expect(headerValue(null)).toBeNull();
    expect(headerValue(Buffer.from([1, 255]))).toEqual([1, -1]);
    expect(headerValue({ '!': 'timestamp', value: 2021 })).toBe('Jan 1, 1970, 12:33:41 AM');
    expect(headerValue({ '!': 'decimal', value: { places: 2, digits: 1234 } })).toBe(12.34);
    expect(headerValue({ a: ['x', 1] })).toEqual({ a: [{ bytes: [120] }, 1] });
  });

  it('RMQ-3 / RMQ-4 a message without properties has every property null and its body base64', () => {
    const m = toRmqMessage(Buffer.from([0xff, 0x00]), { headers: {} }, true);
    expect(Object.keys(m)).toEqual(['basicProperties', 'redelivered', 'data']);
    expect(Object.keys(m.basicProperties)).toHaveLength(15);
    expect(Object.entries(m.basicProperties).filter(([, v]) => v !== null)).toEqual([['bodySize', 2]]);
    expect(m).toMatchObject({ redelivered: true, data: '/wA=' });
  });
});

describe('RabbitMQ addresses and connection', () => {
  it('RMQ-1 knows the Amazon MQ broker ARN and the rabbitmq://<queue> URI', () => {
    expect(isBrokerArn('arn:aws:mq:us-east-2:111122223333:broker:orders:b-9bcfa592-423a-4942-879d-eb284b418fc8')).toBe(
      true,
    );
    expect(isBrokerArn('arn:aws:sqs:us-east-2:111122223333:orders')).toBe(false);
    expect(queueOfUri('rabbitmq://orders')).toBe('orders');
    expect(queueOfUri('rabbitmq://a%2Fb%20c')).toBe('a/b c');
    expect(queueOfUri('rabbitmq://%E0')).toBeUndefined();
  });

  it('reads amqp(s) URLs; the virtual host is never part of the URL', () => {
    const ok = rabbitmqConnectionSchema.parse({ url: 'amqps://u%40x:p%3A@b-1.mq.us-east-1.amazonaws.com' });
    expect(connectOptions(ok, 'prod')).toMatchObject({
      protocol: 'amqps',
      port: 5671,
      username: 'u@x',
      password: 'p:',
      vhost: 'prod',
      heartbeat: 30,
    });
    expect(rabbitmqConnectionSchema.safeParse({ url: 'amqp://h:5672/vhost' }).success).toBe(false);
    expect(rabbitmqConnectionSchema.safeParse({ url: 'http://h' }).success).toBe(false);
  });
});
