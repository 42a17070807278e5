// An in-memory queue source for the poller's unit tests, on the virtual clock. Two modes, as the port has them:
// `visibility-timeout` with SQS's rules (receipt handles, visibility, FIFO group locking: SQS-23, SQS-24) and
// `on-nack` like RabbitMQ (held until acked or nacked, no partial batch responses, optional reject).
import type { QueueEvents, QueueMessage, QueueSource } from '../../../../src/ports/queue-source.js';
import { abortError, type VirtualClock } from './queue-test-kit.js';

interface StoredMessage {
  id: string;
  body: string;
  groupId?: string;
  sizeBytes: number;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
  receipt: number;
  deleted: boolean;
  rejected: boolean;
}

type FakeMessage = QueueMessage<string>;

export interface FakeQueueOptions {
  visibilityMs?: number;
  fifo?: boolean;
  redelivery?: 'visibility-timeout' | 'on-nack';
  /** Give the source `reject` (on-nack sources may have it, RMQ-19). */
  canReject?: boolean;
}

const sqsLikeEvents: QueueEvents<FakeMessage> = {
  event: (msgs) => Buffer.from(JSON.stringify({ Records: msgs.map((m) => m.record) })),
  envelopeBytes: Buffer.byteLength('{"Records":[]}'),
  itemIdentifier: (m) => m.id,
};

/** An envelope of its own and no item identifiers, so a test sees the engine use neither SQS's nor partial responses. */
const onNackEvents: QueueEvents<FakeMessage> = {
  event: (msgs) => Buffer.from(JSON.stringify({ messages: msgs.map((m) => m.record) })),
  envelopeBytes: Buffer.byteLength('{"messages":[]}'),
};

export class FakeQueue implements QueueSource<FakeMessage> {
  readonly kind = 'sqs';
  readonly arn: string;
  readonly redelivery: 'visibility-timeout' | 'on-nack';
  readonly events: QueueEvents<FakeMessage>;
  readonly messages: StoredMessage[] = [];
  readonly receives: Array<{ max: number; waitMs: number; got: number; at: number }> = [];
  readonly deleteCalls: string[][] = [];
  /** Ids handed back with nack(0). */
  readonly released: string[] = [];
  readonly nackCalls: Array<{ ids: string[]; afterMs: number; at: number }> = [];
  readonly extendCalls: Array<{ ids: string[]; visibleForMs: number; at: number }> = [];
  readonly rejectedIds: string[] = [];
  /** id → how many more ack attempts fail for it. */
  readonly failDeletes = new Map<string, number>();
  readonly reject?: (msgs: readonly FakeMessage[]) => Promise<void>;
  #waiters = new Set<AbortController>();
  #seq = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly opts: FakeQueueOptions = {},
  ) {
    this.arn = `arn:aws:sqs:us-east-1:000000000000:fake${opts.fifo ? '.fifo' : ''}`;
    this.redelivery = opts.redelivery ?? 'visibility-timeout';
    this.events = this.redelivery === 'on-nack' ? onNackEvents : sqsLikeEvents;
    if (opts.canReject) this.reject = (msgs) => this.#reject(msgs);
  }

  send(body: string, o: { groupId?: string; sizeBytes?: number; id?: string } = {}): string {
    const id = o.id ?? `m-${++this.#seq}`;
    this.messages.push({
      id,
      body,
      groupId: o.groupId,
      sizeBytes: o.sizeBytes ?? Buffer.byteLength(body) + 300,
      sentAt: this.clock.now(),
      receiveCount: 0,
      visibleAt: 0,
      receipt: 0,
      deleted: false,
      rejected: false,
    });
    this.#wake();
    return id;
  }

  sendMany(n: number, make: (i: number) => { body?: string; groupId?: string; sizeBytes?: number } = () => ({})): void {
    for (let i = 0; i < n; i++) {
      const m = make(i);
      this.send(m.body ?? `body-${i}`, m);
    }
  }

  get live(): StoredMessage[] {
    return this.messages.filter((m) => !m.deleted && !m.rejected);
  }

  get deletedIds(): string[] {
    return this.messages.filter((m) => m.deleted).map((m) => m.id);
  }

  async receive(max: number, waitMs: number, signal: AbortSignal): Promise<FakeMessage[]> {
    const deadline = this.clock.now() + waitMs;
    for (;;) {
      if (signal.aborted) throw abortError();
      const got = this.#take(max);
      if (got.length > 0 || this.clock.now() >= deadline) {
        this.receives.push({ max, waitMs, got: got.length, at: this.clock.now() });
        return got;
      }
      const now = this.clock.now();
      const nextVisible = Math.min(...this.live.filter((m) => m.visibleAt > now).map((m) => m.visibleAt), Infinity);
      const wake = new AbortController();
      const onAbort = () => wake.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(wake);
      try {
        await this.clock.sleep(Math.min(deadline, nextVisible) - now, wake.signal);
      } catch {
        // woken by a send or by abort
      } finally {
        this.#waiters.delete(wake);
        signal.removeEventListener('abort', onAbort);
      }
    }
  }

  #take(max: number): FakeMessage[] {
    const now = this.clock.now();
    // on-nack: a received message stays with this consumer until acked or nacked
    const visibility = this.redelivery === 'on-nack' ? Infinity : (this.opts.visibilityMs ?? 30_000);
    const lockedGroups = new Set<string>();
    if (this.opts.fifo) {
      for (const m of this.live) if (m.visibleAt > now && m.groupId !== undefined) lockedGroups.add(m.groupId);
    }
    const out: FakeMessage[] = [];
    const skippedGroups = new Set<string>();
    for (const m of this.live) {
      if (out.length >= max) break;
      const g = this.opts.fifo ? m.groupId : undefined;
      if (g !== undefined && (lockedGroups.has(g) || skippedGroups.has(g))) continue;
      if (m.visibleAt > now) {
        if (g !== undefined) skippedGroups.add(g);
        continue;
      }
      m.receiveCount++;
      m.receipt++;
      m.visibleAt = now + visibility;
      out.push(this.#toMessage(m));
    }
    return out;
  }

  #toMessage(m: StoredMessage): FakeMessage {
    const handle = `${m.id}#${m.receipt}`;
    return {
      id: m.id,
      groupId: m.groupId,
      sizeBytes: m.sizeBytes,
      receiveCount: m.receiveCount,
      handle,
      record: {
        messageId: m.id,
        receiptHandle: handle,
        body: m.body,
        attributes: { ApproximateReceiveCount: String(m.receiveCount), MessageGroupId: m.groupId },
        eventSource: 'aws:sqs',
      },
    };
  }

  #find(msg: FakeMessage): StoredMessage | undefined {
    const m = this.messages.find((s) => s.id === msg.id);
    return m && `${m.id}#${m.receipt}` === msg.handle ? m : undefined;
  }

  ack(msgs: readonly FakeMessage[]): Promise<string[]> {
    this.deleteCalls.push(msgs.map((m) => m.id));
    const failed: string[] = [];
    for (const msg of msgs) {
      const fails = this.failDeletes.get(msg.id) ?? 0;
      const m = this.#find(msg);
      if (fails > 0 || !m) {
        this.failDeletes.set(msg.id, fails - 1);
        failed.push(msg.id);
        continue;
      }
      m.deleted = true;
    }
    return Promise.resolve(failed);
  }

  nack(msgs: readonly FakeMessage[], afterMs: number): Promise<void> {
    this.nackCalls.push({ ids: msgs.map((m) => m.id), afterMs, at: this.clock.now() });
    for (const msg of msgs) {
      const m = this.#find(msg);
      if (!m) continue;
      m.visibleAt = this.clock.now() + afterMs;
      if (afterMs === 0) this.released.push(m.id);
    }
    this.#wake();
    return Promise.resolve();
  }

  extend(msgs: readonly FakeMessage[], visibleForMs: number): Promise<void> {
    this.extendCalls.push({ ids: msgs.map((m) => m.id), visibleForMs, at: this.clock.now() });
    for (const msg of msgs) {
      const m = this.#find(msg);
      if (m) m.visibleAt = this.clock.now() + visibleForMs;
    }
    return Promise.resolve();
  }

  #reject(msgs: readonly FakeMessage[]): Promise<void> {
    for (const msg of msgs) {
      const m = this.#find(msg);
      if (!m) continue;
      m.rejected = true;
      this.rejectedIds.push(m.id);
    }
    return Promise.resolve();
  }

  backlog(): Promise<number> {
    const now = this.clock.now();
    return Promise.resolve(this.live.filter((m) => m.visibleAt <= now).length);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #wake(): void {
    for (const w of this.#waiters) w.abort();
  }
}
