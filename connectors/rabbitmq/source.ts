// A RabbitMQ queue as a QueueSource (DA-2): one manual-ack consumer with prefetch = BatchSize and consumer tag
// sluice-<ESM UUID>. Success acks, failure nacks with requeue (the broker then counts the delivery, applies TTLs,
// delivery-limit and dead-letter exchanges, RMQ-18), an oversized message is rejected without requeue (DA-3).
// Messages not acked when the channel goes are the broker's again: it redelivers them with `redelivered: true`.
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { SluiceError } from '../../src/ports/errors.js';
import type { Logger } from '../../src/ports/logger.js';
import type { QueueDescription, QueueEvents, QueueMessage, QueueSource } from '../../src/ports/queue-source.js';
import { connectOptions, type RabbitmqConnection } from './connection.js';
import { joinRecords } from '../../src/ports/event-json.js';
import { queueKey, RMQ_EVENT_TAIL, rmqEnvelopeBytes, rmqEventHead, toRmqMessage, type RmqMessage } from './event.js';

/** Which delivery of which channel: a tag means nothing on another channel (`gen` counts channels). */
export interface RmqHandle {
  gen: number;
  msg: ConsumeMessage;
}
export type RmqQueueMessage = QueueMessage<RmqHandle> & { record: RmqMessage & Record<string, unknown> };

export interface RabbitmqSourceOptions {
  /** The address in the event (broker ARN or rabbitmq:// URI). */
  arn: string;
  queue: string;
  vhost: string;
  /** The consumer tag is sluice-<mappingId> (DA-2). */
  mappingId: string;
  /** prefetch_count (DA-2: BatchSize); default the `max` of the first receive. */
  prefetch?: number;
}

/** Reconnect backoff after a failed connect: 0.5 s doubling to 30 s. */
const backoffMs = (failures: number): number => Math.min(30_000, 500 * 2 ** Math.max(0, failures - 1));

interface Live {
  gen: number;
  conn: ChannelModel;
  ch: Channel;
  consumerTag: string;
}

export class RabbitmqQueueSource implements QueueSource<RmqQueueMessage> {
  readonly kind = 'rabbitmq';
  readonly redelivery = 'on-nack';
  readonly events: QueueEvents<RmqQueueMessage>;
  readonly arn: string;
  private live: Live | undefined;
  private connecting: Promise<Live> | undefined;
  private gen = 0;
  private failures = 0;
  private lastFailureAt = 0;
  private closed = false;
  /** Delivered, not yet handed to the engine. */
  private buffer: ConsumeMessage[] = [];
  /** Delivery tags handed out and not yet settled, on the current channel. */
  private readonly held = new Set<number>();
  /** Receives waiting for a delivery (the engine may run several at once while it fills a batch). */
  private readonly waiting = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly conn: RabbitmqConnection,
    private readonly opts: RabbitmqSourceOptions,
    private readonly logger: Logger,
  ) {
    this.arn = opts.arn;
    const key = queueKey(opts.queue, opts.vhost);
    const envelopeBytes = rmqEnvelopeBytes(opts.arn, key);
    const head = rmqEventHead(opts.arn, key);
    this.events = {
      event: (msgs) => joinRecords(head, msgs, RMQ_EVENT_TAIL),
      envelopeBytes,
    };
  }

  async receive(max: number, waitMs: number, signal: AbortSignal): Promise<RmqQueueMessage[]> {
    const live = await this.ensure(max, signal);
    if (this.buffer.length === 0 && waitMs > 0 && !signal.aborted) await this.waitForDelivery(waitMs, signal);
    if (this.live !== live) return []; // the channel went while waiting: its deliveries are the broker's again
    const taken = this.buffer.splice(0, Math.max(1, max));
    return taken.map((msg) => {
      this.held.add(msg.fields.deliveryTag);
      const record = toRmqMessage(msg.content, msg.properties, msg.fields.redelivered) as RmqQueueMessage['record'];
      // Its JSON in the event, written once here (#20); plus the comma between messages (RMQ-7).
      const json = JSON.stringify(record);
      return {
        id: `${live.gen}:${msg.fields.deliveryTag}`,
        sizeBytes: Buffer.byteLength(json) + 1,
        receiveCount: msg.fields.redelivered ? 2 : 1,
        record,
        json,
        handle: { gen: live.gen, msg },
      };
    });
  }

  /** One ack(multiple) on the highest tag when that settles exactly these messages, else one ack each (DA-2). */
  ack(msgs: readonly RmqQueueMessage[]): Promise<string[]> {
    return Promise.resolve(this.settle(msgs, (ch, m, multiple) => ch.ack(m, multiple)));
  }

  nack(msgs: readonly RmqQueueMessage[], redeliverAfterMs: number): Promise<void> {
    const now = () => void this.settle(msgs, (ch, m, multiple) => ch.nack(m, multiple, true));
    if (redeliverAfterMs <= 0) now();
    else {
      // RabbitMQ has no delayed requeue: hold the messages (prefetch keeps the rest queued) and hand them back later.
      const t = setTimeout(() => {
        this.timers.delete(t);
        now();
      }, redeliverAfterMs);
      this.timers.add(t);
    }
    return Promise.resolve();
  }

  /** DA-3: basic.reject(requeue=false), so a dead-letter exchange of the queue keeps the message. */
  reject(msgs: readonly RmqQueueMessage[]): Promise<void> {
    for (const m of msgs) {
      this.logger.warn(
        { deliveryTag: m.handle.msg.fields.deliveryTag, queue: this.opts.queue },
        'rejected a message over the payload limit (DA-3)',
      );
    }
    this.settle(msgs, (ch, m) => ch.reject(m, false), false);
    return Promise.resolve();
  }

  /**
   * Connects and starts consuming, so a broker or queue that cannot be reached fails the mapping's start (the
   * supervisor retries it). A delivered message stays with this consumer until settled or the channel closes.
   */
  async describe(): Promise<QueueDescription> {
    await this.ensure(this.opts.prefetch ?? 1, new AbortController().signal);
    return { visibilityTimeoutMs: Number.POSITIVE_INFINITY, fifo: false };
  }

  async backlog(): Promise<number> {
    const live = this.live;
    if (live === undefined) return 0;
    // A channel of its own: a failed check closes the channel it runs on.
    const ch = await live.conn.createChannel();
    ch.on('error', () => undefined);
    try {
      return (await ch.checkQueue(this.opts.queue)).messageCount;
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  /** Cancels the consumer, hands back what was never given out, and closes once the broker has every ack. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const live = this.live ?? (await this.connecting?.catch(() => undefined));
    this.live = undefined;
    if (live === undefined) return;
    try {
      await live.ch.cancel(live.consumerTag);
      // channel.close waits for close-ok, which the broker sends after every ack before it; unacked ones requeue.
      await live.ch.close();
    } catch (err) {
      this.logger.debug({ err }, 'RabbitMQ channel already closed');
    }
    await live.conn.close().catch(() => undefined);
  }

  /**
   * Settles messages of the current channel; ids of an older channel come back (the broker already requeued them).
   * multiple=true on the highest tag only when no other held message lies below it.
   */
  private settle(
    msgs: readonly RmqQueueMessage[],
    op: (ch: Channel, m: ConsumeMessage, multiple: boolean) => void,
    allowMultiple = true,
  ): string[] {
    const live = this.live;
    const mine = msgs.filter((m) => live !== undefined && m.handle.gen === live.gen);
    const stale = msgs.filter((m) => !mine.includes(m)).map((m) => m.id);
    if (live === undefined || mine.length === 0) return stale;
    const tags = new Set(mine.map((m) => m.handle.msg.fields.deliveryTag));
    const top = mine.reduce((a, b) => (b.handle.msg.fields.deliveryTag > a.handle.msg.fields.deliveryTag ? b : a));
    const topTag = top.handle.msg.fields.deliveryTag;
    const contiguous = allowMultiple && [...this.held].every((t) => t > topTag || tags.has(t));
    try {
      if (contiguous && mine.length > 1) op(live.ch, top.handle.msg, true);
      else for (const m of mine) op(live.ch, m.handle.msg, false);
    } catch (err) {
      // The channel is closing under us (its close event is still to come): the broker requeues these itself.
      this.logger.debug({ err }, 'RabbitMQ channel closing; its messages go back to the queue');
      return msgs.map((m) => m.id);
    }
    for (const t of tags) this.held.delete(t);
    return stale;
  }

  private wakeAll(): void {
    for (const wake of [...this.waiting]) wake();
  }

  private waitForDelivery(waitMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      signal.addEventListener('abort', done, { once: true });
      this.waiting.add(done);
    });
  }

  /** The live channel, connecting (after the backoff of earlier failures) when there is none. */
  private async ensure(prefetch: number, signal: AbortSignal): Promise<Live> {
    if (this.closed) throw new Error('RabbitMQ source is closed');
    if (this.live !== undefined) return this.live;
    this.connecting ??= this.open(this.opts.prefetch ?? prefetch, signal).finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(prefetch: number, signal: AbortSignal): Promise<Live> {
    const wait = this.lastFailureAt + backoffMs(this.failures) - Date.now();
    if (this.failures > 0 && wait > 0) await abortableSleep(wait, signal);
    let conn: ChannelModel | undefined;
    try {
      conn = await connect(connectOptions(this.conn, this.opts.vhost));
      const ch = await conn.createChannel();
      await ch.prefetch(Math.max(1, prefetch));
      const gen = ++this.gen;
      const live: Live = { gen, conn, ch, consumerTag: `sluice-${this.opts.mappingId}` };
      const lost = (why: string) => (err?: unknown) => this.lost(live, why, err);
      conn.on('error', lost('connection error'));
      conn.on('close', lost('connection closed'));
      ch.on('error', lost('channel error'));
      ch.on('close', lost('channel closed'));
      await ch.consume(
        this.opts.queue,
        (msg) => (msg === null ? this.lost(live, 'consumer cancelled by the broker') : this.deliver(live, msg)),
        {
          noAck: false,
          consumerTag: live.consumerTag,
        },
      );
      if (this.closed) throw new Error('RabbitMQ source is closed');
      this.live = live;
      this.failures = 0;
      return live;
    } catch (err) {
      await conn?.close().catch(() => undefined);
      this.failures++;
      this.lastFailureAt = Date.now();
      throw unrecoverable(err) ?? err;
    }
  }

  private deliver(live: Live, msg: ConsumeMessage): void {
    if (live.gen !== this.gen) return;
    this.buffer.push(msg);
    this.wakeAll();
  }

  /** The channel or connection went: forget its deliveries (the broker requeues them) and reconnect on next receive. */
  private lost(live: Live, why: string, err?: unknown): void {
    if (this.live !== live) return;
    this.live = undefined;
    this.buffer = [];
    this.held.clear();
    if (!this.closed) this.logger.warn({ err, queue: this.opts.queue }, `RabbitMQ ${why}; reconnecting`);
    live.conn.close().catch(() => undefined);
    this.wakeAll();
  }
}

/**
 * RMQ-20: what no retry fixes, named by Lambda's StateTransitionReason. A refused login (403) is the credentials; a
 * connection the broker closes before it opens (530 NOT_ALLOWED) is a virtual host the user may not use or that
 * does not exist. A missing queue stays retryable: it may be declared later.
 */
function unrecoverable(err: unknown): SluiceError | undefined {
  const text = err instanceof Error ? err.message : String(err);
  const [reason, what] = /ACCESS.REFUSED/.test(text)
    ? ['EVENT_SOURCE_AUTHN_ERROR', "the broker refused the connection's login"]
    : /Expected ConnectionOpenOk; got <ConnectionClose/.test(text)
      ? ['EVENT_SOURCE_AUTHZ_ERROR', 'the broker refused the virtual host (missing, or not permitted to this user)']
      : [];
  return reason === undefined ? undefined : new SluiceError('InvalidConfig', `${reason}: ${what}`, { cause: err });
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
