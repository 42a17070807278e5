// Helpers of the RabbitMQ tests: the shared broker, a queue per test, a source on it, and draining.
import { randomUUID } from 'node:crypto';
import type { Channel, Options } from 'amqplib';
import { RabbitmqQueueSource, type RmqQueueMessage } from '../../../connectors/rabbitmq/source.js';
import type { Logger } from '../../../src/ports/logger.js';
import { amqp, servers, uniqueName } from '../../services/inject.js';

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

export const rabbitmqUrl = (): string => servers().rabbitmq.url;

/** A channel on the shared broker (closed with the test's clients). */
export async function channel(): Promise<Channel> {
  const c = await amqp();
  c.on('error', () => undefined);
  const ch = await c.createChannel();
  ch.on('error', () => undefined);
  return ch;
}

/** A fresh queue with a unique name. */
export async function queue(ch: Channel, args: Options.AssertQueue = {}, prefix = 'rmq'): Promise<string> {
  const name = uniqueName(prefix);
  await ch.assertQueue(name, args);
  return name;
}

export const BROKER_ARN = 'arn:aws:mq:us-east-1:000000000000:broker:test:b-00000000-0000-0000-0000-000000000000';

export function source(q: string, prefetch = 10, mappingId = randomUUID()): RabbitmqQueueSource {
  return new RabbitmqQueueSource(
    { url: rabbitmqUrl() },
    { arn: BROKER_ARN, queue: q, vhost: '/', mappingId, prefetch },
    silentLogger,
  );
}

/** Receives until `n` messages came (or 20 s passed). */
export async function receiveN(s: RabbitmqQueueSource, n: number, max = n): Promise<RmqQueueMessage[]> {
  const got: RmqQueueMessage[] = [];
  const until = Date.now() + 20_000;
  while (got.length < n && Date.now() < until) got.push(...(await s.receive(max, 1_000, AbortSignal.timeout(5_000))));
  return got;
}

export const body = (m: RmqQueueMessage): string => Buffer.from(m.record.data, 'base64').toString('utf8');

/** Messages waiting in a queue (ready, not unacked). */
export async function depth(ch: Channel, q: string): Promise<number> {
  return (await ch.checkQueue(q)).messageCount;
}
