// What the queue poller tells the source about messages it holds: ack (with retries), nack, extend, reject.
// Failures here are logged, never thrown: a message not acked comes back, which is at-least-once, not loss.
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { QueueMessage, QueueSource } from '../../ports/queue-source.js';
import { exponentialCeilingMs } from '../retry/backoff.js';
import type { HeldMessage } from './queue-buffer.js';
import { QueueMetric, type QueueMappingMetrics } from './queue-metrics.js';
import type { ResolvedQueueOptions } from './queue-options.js';

const MAX_ACK_ATTEMPTS = 5;

export class QueueSettler {
  constructor(
    private readonly source: QueueSource,
    private readonly o: ResolvedQueueOptions,
    private readonly m: QueueMappingMetrics,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * Acks, retrying messages the source did not ack (never ignored), before the source would take them back. An
   * on-nack source's unacked ids are gone for good (their channel closed, the broker redelivers them): no retry.
   */
  async ack(items: readonly HeldMessage[]): Promise<void> {
    if (items.length === 0) return;
    const deadline = Math.min(...items.map((h) => h.visibleUntil));
    let left: QueueMessage[] = items.map((h) => h.msg);
    for (let attempt = 1; left.length > 0; attempt++) {
      let failedIds: ReadonlySet<string>;
      try {
        failedIds = new Set(await this.source.ack(left));
      } catch (err) {
        this.log.warn({ err }, 'ack failed');
        failedIds = new Set(left.map((m) => m.id));
      }
      const remaining = left.filter((m) => failedIds.has(m.id));
      this.m.count(QueueMetric.deleted, left.length - remaining.length);
      left = remaining;
      if (left.length === 0) return;
      if (this.source.redelivery === 'on-nack') {
        this.log.debug({ count: left.length }, 'acks of messages whose channel closed; the broker delivers them again');
        return;
      }
      const delay = exponentialCeilingMs(attempt, {
        baseMs: this.o.retryBackoff.initialMs,
        maxMs: this.o.retryBackoff.maxMs,
      });
      if (attempt >= MAX_ACK_ATTEMPTS || this.clock.now() + delay >= deadline) {
        this.log.error(
          { count: left.length, messageIds: left.slice(0, 10).map((m) => m.id) },
          'could not acknowledge processed messages; the queue will deliver them again',
        );
        return;
      }
      await this.clock.sleep(delay);
    }
  }

  /** Hands messages back for redelivery after `afterMs` (0 = now). */
  async nack(msgs: readonly QueueMessage[], afterMs: number): Promise<void> {
    if (msgs.length === 0) return;
    try {
      await this.source.nack(msgs, afterMs);
    } catch (err) {
      this.log.warn({ err, count: msgs.length }, 'could not hand messages back; the queue takes them back by itself');
    }
  }

  /**
   * SQS-12: when batching window + function timeout exceed the queue's visibility timeout, messages would come back
   * while their batch is still filling or running; keep them hidden for window + function timeout + 30 s.
   */
  async extend(items: HeldMessage[]): Promise<void> {
    const { maxBatchingWindowMs, functionTimeoutMs, visibilityTimeoutMs } = this.o;
    const extend = this.source.extend?.bind(this.source);
    if (items.length === 0 || this.source.redelivery !== 'visibility-timeout' || extend === undefined) return;
    if (maxBatchingWindowMs + functionTimeoutMs <= visibilityTimeoutMs) return;
    const ms = (Math.ceil((maxBatchingWindowMs + functionTimeoutMs) / 1000) + 30) * 1000;
    const now = this.clock.now();
    try {
      await extend(
        items.map((h) => h.msg),
        ms,
      );
      for (const h of items) h.visibleUntil = now + ms;
    } catch (err) {
      this.log.warn({ err }, 'could not keep the messages of a filling batch hidden longer');
    }
  }

  /**
   * RMQ-19: a message that alone exceeds the payload cap never reaches the function. The source rejects it (to its
   * dead-lettering, DA-3); a source that cannot reject keeps it held, and the log says so. Resolves true if rejected.
   */
  async reject(msg: QueueMessage, bytes: number): Promise<boolean> {
    const fields = { messageId: msg.id, bytes, maxPayloadBytes: this.o.maxPayloadBytes };
    const reject = this.source.reject?.bind(this.source);
    if (reject === undefined) {
      this.log.error(fields, 'message alone exceeds the payload limit and the source cannot reject it; keeping it');
      return false;
    }
    try {
      await reject([msg]);
      this.log.warn(fields, 'message alone exceeds the payload limit; rejected');
      return true;
    } catch (err) {
      this.log.error({ ...fields, err }, 'could not reject a message that exceeds the payload limit; keeping it');
      return false;
    }
  }
}
