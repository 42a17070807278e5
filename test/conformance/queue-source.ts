// The queue source contract (src/ports/queue-source.ts), written once and run against every connector's
// QueueSource on its real server (queue-sources.test.ts lists them). Bounds are generous: they prove order of
// events (not before the delay, back after it), never speed.
import { describe, expect, it, onTestFinished } from 'vitest';
import type { QueueMessage, QueueSource } from '../../src/ports/queue-source.js';

/** One fresh queue on the connector's real server. */
export interface QueueUnderTest {
  /** Puts messages with these bodies on the queue. */
  produce(bodies: readonly string[]): Promise<void>;
  /** A new consumer of the queue through the connector (each call: its own source, closed by the suite). */
  source(): QueueSource;
  /** The body a message was produced with, read from what the source delivered. */
  bodyOf(msg: QueueMessage): string;
  /** Removes the queue. */
  dispose(): Promise<void>;
}

export interface QueueSourceFactory {
  name: string;
  /**
   * A new queue whose unacked messages a `visibility-timeout` source takes back after about `visibilityMs`
   * (sources that redeliver on nack only may ignore it).
   */
  create(visibilityMs: number): Promise<QueueUnderTest>;
}

const VISIBILITY_MS = 2000;
/** How long "comes back" may take beyond what the contract says (slow CI, whole-second APIs). */
const SLACK_MS = 10_000;

const never = () => new AbortController().signal;

/** Receives until `want` messages arrived or `ms` passed. */
async function receiveFor(s: QueueSource, ms: number, want = Infinity): Promise<QueueMessage[]> {
  const out: QueueMessage[] = [];
  const until = Date.now() + ms;
  while (out.length < want && Date.now() < until) {
    const wait = Math.max(0, Math.min(1000, until - Date.now()));
    out.push(...(await s.receive(Math.min(10, want - out.length), wait, never())));
  }
  return out;
}

export function describeQueueSource(factory: QueueSourceFactory): void {
  describe(`queue source contract: ${factory.name}`, () => {
    async function setup() {
      const q = await factory.create(VISIBILITY_MS);
      const sources = new Set<QueueSource>();
      onTestFinished(async () => {
        await Promise.all([...sources].map((s) => s.close()));
        await q.dispose();
      });
      const open = () => {
        const s = q.source();
        sources.add(s);
        return s;
      };
      const close = (s: QueueSource) => (sources.delete(s) ? s.close() : Promise.resolve());
      return { q, open, close, bodies: (msgs: readonly QueueMessage[]) => msgs.map((m) => q.bodyOf(m)).sort() };
    }

    it('receive returns up to max, waits for the first message, and ends early on abort', async () => {
      const { q, open, bodies } = await setup();
      const s = open();
      const started = Date.now();
      expect(await s.receive(10, 1000, never())).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(500); // it waited, it did not spin

      const abort = new AbortController();
      const aborted = Date.now();
      setTimeout(() => abort.abort(), 200);
      await s.receive(10, 20_000, abort.signal).catch(() => []);
      expect(Date.now() - aborted).toBeLessThan(SLACK_MS);

      // a waiting receive returns the message that arrives meanwhile
      const waiting = s.receive(10, 15_000, never());
      await q.produce(['late']);
      const late = await waiting;
      if (late.length === 0) late.push(...(await receiveFor(s, SLACK_MS, 1)));
      expect(bodies(late)).toEqual(['late']);
      await s.ack(late);

      await q.produce(['a', 'b', 'c', 'd', 'e']);
      const first = await receiveFor(s, SLACK_MS, 1);
      const some = await s.receive(2, 1000, never());
      expect(some.length).toBeLessThanOrEqual(2);
      const rest = await receiveFor(s, SLACK_MS, 5 - first.length - some.length);
      expect(bodies([...first, ...some, ...rest])).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    it('ids are unique among held messages; ack removes messages for good', async () => {
      const { q, open, bodies } = await setup();
      const s = open();
      const sent = Array.from({ length: 20 }, (_, i) => `m-${String(i).padStart(2, '0')}`);
      await q.produce(sent);
      const held = await receiveFor(s, SLACK_MS * 2, 20);
      expect(bodies(held)).toEqual(sent);
      expect(new Set(held.map((m) => m.id)).size).toBe(20);
      expect(await s.ack(held)).toEqual([]);
      // past the visibility timeout: nothing comes back
      expect(await receiveFor(s, VISIBILITY_MS + 2000)).toEqual([]);
    });

    it('nack(0) hands messages back at once, with a higher receive count', async () => {
      const { q, open, bodies } = await setup();
      const s = open();
      await q.produce(['x']);
      const [first] = await receiveFor(s, SLACK_MS, 1);
      expect(first!.receiveCount).toBe(1);
      await s.nack([first!], 0);
      const again = await receiveFor(s, SLACK_MS, 1);
      expect(bodies(again)).toEqual(['x']);
      expect(again[0]!.receiveCount).toBeGreaterThan(1);
      await s.ack(again);
    });

    it('nack(delay) does not hand a message back before the delay', async () => {
      const { q, open, bodies } = await setup();
      const s = open();
      await q.produce(['later']);
      const [msg] = await receiveFor(s, SLACK_MS, 1);
      const nacked = Date.now();
      await s.nack([msg!], 4000);
      const back = await receiveFor(s, 4000 + SLACK_MS, 1);
      expect(bodies(back)).toEqual(['later']);
      expect(Date.now() - nacked).toBeGreaterThanOrEqual(3000); // the APIs may round to whole seconds
      await s.ack(back);
    });

    it('extend keeps a message hidden past the visibility timeout (sources that have it)', async (ctx) => {
      const { q, open, bodies } = await setup();
      const s = open();
      if (s.extend === undefined)
        return ctx.skip('this source has no extend: its messages stay held until acked or nacked');
      await q.produce(['kept']);
      const [msg] = await receiveFor(s, SLACK_MS, 1);
      await s.extend([msg!], VISIBILITY_MS + 6000);
      expect(await receiveFor(open(), VISIBILITY_MS + 2000)).toEqual([]);
      await s.nack([msg!], 0);
      expect(bodies(await receiveFor(s, SLACK_MS, 1))).toEqual(['kept']);
    });

    it('reject removes a message without redelivery (sources that have it)', async (ctx) => {
      const { q, open } = await setup();
      const s = open();
      if (s.reject === undefined)
        return ctx.skip('this source has no reject: it never needs to drop a message without redelivery');
      await q.produce(['poison']);
      const [msg] = await receiveFor(s, SLACK_MS, 1);
      await s.reject([msg!]);
      expect(await receiveFor(s, VISIBILITY_MS + 2000)).toEqual([]);
    });

    it('sizeBytes is what each message adds to events.event(...) (P-12)', async () => {
      const { q, open } = await setup();
      const s = open();
      await q.produce(['small', 'ü'.repeat(300), JSON.stringify({ nested: { quote: '"', n: 1 } })]);
      const msgs = await receiveFor(s, SLACK_MS, 3);
      const bytesOf = (ms: readonly QueueMessage[]) => Buffer.byteLength(s.events.event(ms));
      expect(bytesOf([])).toBe(s.events.envelopeBytes);
      for (const m of msgs) {
        // the first message of an event has no separator before it: at most one byte less than counted
        const added = bytesOf([m]) - s.events.envelopeBytes;
        expect(m.sizeBytes - added).toBeGreaterThanOrEqual(0);
        expect(m.sizeBytes - added).toBeLessThanOrEqual(1);
      }
      for (let i = 1; i < msgs.length; i++) {
        expect(bytesOf(msgs.slice(0, i + 1)) - bytesOf(msgs.slice(0, i))).toBe(msgs[i]!.sizeBytes);
      }
      const identify = s.events.itemIdentifier?.bind(s.events);
      if (identify) expect(new Set(msgs.map((m) => identify(m))).size).toBe(msgs.length);
      await s.ack(msgs);
    });

    it('close lets go of held messages: another consumer gets them', async () => {
      const { q, open, close, bodies } = await setup();
      const first = open();
      await q.produce(['p', 'q']);
      const held = await receiveFor(first, SLACK_MS, 2);
      expect(bodies(held)).toEqual(['p', 'q']);
      await close(first);
      const other = open();
      // on-nack sources hand them back on close; visibility-timeout sources after the timeout
      const again = await receiveFor(other, VISIBILITY_MS + SLACK_MS, 2);
      expect(bodies(again)).toEqual(['p', 'q']);
      await other.ack(again);
    });
  });
}
