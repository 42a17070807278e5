// An in-process queue with SQS's consumer semantics: visibility timeout, receive count, delete by
// receipt. Used by the embedded default and by engine tests; records look like SQS records (§5.1) so
// handlers written for SQS run unchanged.
import { createHash, randomUUID } from 'node:crypto';
import type { QueueEvents, QueueMessage, QueueSource } from '../../src/ports/queue-source.js';
import { recordsEvent } from '../../src/ports/event-json.js';
import { MemoryQuota } from './quota.js';

interface Stored {
  id: string;
  body: string;
  sentAtMs: number;
  firstReceiveMs?: number;
  receiveCount: number;
  visibleAtMs: number;
  receipt?: string;
  groupId?: string;
  attributes: Record<string, string>;
}

/** A received message; its handle is the receipt of this receive (a later receive makes it stale). */
export type MemoryQueueMessage = QueueMessage<string>;

/** The same event as SQS's (spec §5.1), so handlers written for SQS run unchanged. */
const memoryQueueEvents: QueueEvents<MemoryQueueMessage> = {
  event: recordsEvent,
  envelopeBytes: Buffer.byteLength('{"Records":[]}'),
  itemIdentifier: (m) => m.id,
};

/** SQS's RedrivePolicy: a message received maxReceiveCount times moves to the dead-letter queue on its next receive. */
export interface MemoryRedrive {
  maxReceiveCount: number;
  deadLetterTargetArn: string;
  target(): MemoryQueue;
  /** Told of each move, so the service can log it (the queue has no logger). */
  onMoved?(messageId: string, receiveCount: number): void;
}

export interface MemoryQueueOptions {
  visibilityTimeoutMs: number;
  region: string;
  now?: () => number;
  /** Shared cap of the broker; unlimited by default. */
  quota?: MemoryQuota;
  redrive?: MemoryRedrive;
}

/** A message as `peek` shows it: its state, without receiving it. */
export interface PeekedMessage {
  MessageId: string;
  Body: string;
  ReceiveCount: number;
  SentTimestamp: number;
  Visible: boolean;
  MessageGroupId?: string;
}

export class MemoryQueue {
  private readonly messages = new Map<string, Stored>();
  private waiters = new Set<() => void>();
  private readonly now: () => number;
  private readonly quota: MemoryQuota;

  constructor(
    readonly name: string,
    readonly arn: string,
    private readonly options: MemoryQueueOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.quota = options.quota ?? new MemoryQuota();
  }

  send(body: string, opts: { groupId?: string; attributes?: Record<string, string> } = {}): string {
    this.quota.take(Buffer.byteLength(body));
    const id = randomUUID();
    this.messages.set(id, {
      id,
      body,
      sentAtMs: this.now(),
      receiveCount: 0,
      visibleAtMs: 0,
      groupId: opts.groupId,
      attributes: opts.attributes ?? {},
    });
    this.wake();
    return id;
  }

  get visibleCount(): number {
    const now = this.now();
    let n = 0;
    for (const m of this.messages.values()) if (m.visibleAtMs <= now) n++;
    return n;
  }

  get size(): number {
    return this.messages.size;
  }

  /** The first `limit` messages in queue order, visible or not; receives nothing and changes nothing. */
  peek(limit: number): PeekedMessage[] {
    const now = this.now();
    return [...this.messages.values()].slice(0, limit).map((m) => ({
      MessageId: m.id,
      Body: m.body,
      ReceiveCount: m.receiveCount,
      SentTimestamp: m.sentAtMs,
      Visible: m.visibleAtMs <= now,
      ...(m.groupId === undefined ? {} : { MessageGroupId: m.groupId }),
    }));
  }

  /** SQS-15 as SQS does it: the receive after the last allowed one moves the message instead of delivering it. */
  private redriven(m: Stored): boolean {
    const redrive = this.options.redrive;
    if (redrive === undefined || m.receiveCount < redrive.maxReceiveCount) return false;
    const target = redrive.target();
    target.messages.set(m.id, { ...m, visibleAtMs: 0, receipt: undefined, receiveCount: 0, firstReceiveMs: undefined });
    this.messages.delete(m.id); // the bytes move with it: the broker's quota is unchanged
    target.wake();
    redrive.onMoved?.(m.id, m.receiveCount);
    return true;
  }

  private take(max: number): MemoryQueueMessage[] {
    const now = this.now();
    const out: MemoryQueueMessage[] = [];
    for (const m of this.messages.values()) {
      if (out.length >= max) break;
      if (m.visibleAtMs > now) continue;
      if (this.redriven(m)) continue;
      m.receiveCount++;
      m.firstReceiveMs ??= now;
      m.visibleAtMs = now + this.options.visibilityTimeoutMs;
      const receipt = randomUUID();
      m.receipt = receipt;
      out.push(this.toMessage(m, receipt));
    }
    return out;
  }

  private toMessage(m: Stored, receipt: string): MemoryQueueMessage {
    const attributes: Record<string, string> = {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAtMs),
      SenderId: 'sluice',
      ApproximateFirstReceiveTimestamp: String(m.firstReceiveMs ?? m.sentAtMs),
    };
    // Set, not spread in: no extra object per message (#20); it stays the last key.
    if (m.groupId !== undefined) attributes['MessageGroupId'] = m.groupId;
    const record = {
      messageId: m.id,
      receiptHandle: receipt,
      body: m.body,
      attributes,
      messageAttributes: {},
      md5OfBody: createHash('md5').update(m.body).digest('hex'),
      md5OfMessageAttributes: null,
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: this.options.region,
    };
    // Written once here (#20); the event joins these.
    const json = JSON.stringify(record);
    return {
      id: m.id,
      groupId: m.groupId,
      // JSON bytes plus the comma between records (P-12).
      sizeBytes: Buffer.byteLength(json) + 1,
      receiveCount: m.receiveCount,
      record,
      json,
      handle: receipt,
    };
  }

  async receive(max: number, waitMs: number, signal: AbortSignal): Promise<MemoryQueueMessage[]> {
    const got = this.take(max);
    if (got.length > 0 || waitMs <= 0 || signal.aborted) return got;
    // Long poll: wake on a send, on the next visibility expiry, on the wait limit or on abort.
    await new Promise<void>((resolve) => {
      const nextVisible = Math.min(...[...this.messages.values()].map((m) => m.visibleAtMs), Infinity);
      const wait = Math.max(1, Math.min(waitMs, nextVisible - this.now()));
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, wait);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
    return this.take(max);
  }

  /** Deletes by receipt handle; a stale receipt (message received again since) is not deleted. */
  delete(msgs: readonly MemoryQueueMessage[]): string[] {
    const failed: string[] = [];
    for (const msg of msgs) {
      const stored = this.messages.get(msg.id);
      if (stored !== undefined && stored.receipt === msg.handle) {
        this.messages.delete(msg.id);
        this.quota.give(Buffer.byteLength(stored.body));
      } else if (stored !== undefined) failed.push(msg.id);
    }
    return failed;
  }

  /** Hidden for `ms` from now (0 = visible at once); a stale receipt changes nothing. */
  setVisibility(msgs: readonly MemoryQueueMessage[], ms: number): void {
    for (const msg of msgs) {
      const stored = this.messages.get(msg.id);
      if (stored !== undefined && stored.receipt === msg.handle) stored.visibleAtMs = this.now() + ms;
    }
    if (ms <= 0) this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const w of waiters) w();
  }

  source(): QueueSource<MemoryQueueMessage> {
    return {
      kind: 'memory',
      arn: this.arn,
      redelivery: 'visibility-timeout',
      events: memoryQueueEvents,
      receive: (max, waitMs, signal) => this.receive(max, waitMs, signal),
      ack: (msgs) => Promise.resolve(this.delete(msgs)),
      nack: (msgs, afterMs) => Promise.resolve(this.setVisibility(msgs, afterMs)),
      extend: (msgs, ms) => Promise.resolve(this.setVisibility(msgs, ms)),
      backlog: () => Promise.resolve(this.visibleCount),
      describe: () =>
        Promise.resolve({
          visibilityTimeoutMs: this.options.visibilityTimeoutMs,
          fifo: this.name.endsWith('.fifo'),
          deadLetterTargetArn: this.options.redrive?.deadLetterTargetArn,
          maxReceiveCount: this.options.redrive?.maxReceiveCount,
        }),
      close: () => Promise.resolve(),
    };
  }
}
