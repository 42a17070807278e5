// A Kafka topic as a destination (KAF-16/18, kafka://<topic>): the JSON record is the message value (a Buffer, an
// async DLQ's original event, byte for byte: ASY-13). When the record carries a single-record Kafka payload
// (KAF-18 form), its key is reused; otherwise no key (round robin).
import type { Kafka, Producer } from 'kafkajs';
import { bodyOf, type DeliveryContext, type Destination } from '../../src/ports/sources.js';

export class KafkaDestination implements Destination {
  readonly arn: string;
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {
    this.arn = `kafka://${topic}`;
  }

  private connect(): Promise<Producer> {
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().catch((err: unknown) => {
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  async send(record: unknown, ctx: DeliveryContext): Promise<void> {
    const producer = await this.connect();
    const headers: Record<string, string> = { 'sluice-function': ctx.functionName };
    for (const [name, attr] of Object.entries(ctx.attributes ?? {})) headers[name] = attr.value;
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: [{ key: originalKey(record), value: bodyOf(record), headers }],
    });
  }

  async close(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    await this.producer?.disconnect();
  }
}

/** The key of the only record in a KAF-18 payload (`payload.records[<tp>][0].key`, base64), if any. */
export function originalKey(record: unknown): Buffer | null {
  const records = (record as { payload?: { records?: unknown } } | null)?.payload?.records;
  if (records === null || typeof records !== 'object') return null;
  const all = Object.values(records as Record<string, unknown>).flatMap((v): unknown[] =>
    Array.isArray(v) ? (v as unknown[]) : [],
  );
  const key = (all.length === 1 ? (all[0] as { key?: unknown }) : undefined)?.key;
  return typeof key === 'string' ? Buffer.from(key, 'base64') : null;
}
