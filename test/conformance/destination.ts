// The destination contract (src/ports/sources.ts `Destination`), written once and run against every connector's
// destination on its real server (destinations.test.ts lists them): a record arrives as its JSON, a Buffer (the
// async DLQ's original event, ASY-13) byte for byte, a target that cannot take it makes `send` reject (the engines
// then retry and count it), and `close` lets go.
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Destination } from '../../src/ports/sources.js';

/** One fresh target on the connector's real server. */
export interface TargetUnderTest {
  destination: Destination;
  /** The bodies that arrived so far, in arrival order (waits until at least `want` arrived). */
  received(want: number): Promise<string[]>;
  dispose(): Promise<void>;
}

export interface DestinationFactory {
  name: string;
  create(): Promise<TargetUnderTest>;
  /** A destination of this connector whose target cannot take a record (refuses it, or is not there). */
  unreachable(): Promise<{ destination: Destination; dispose(): Promise<void> }>;
}

const ctx = { functionName: 'conformance' };

export function describeDestination(factory: DestinationFactory): void {
  describe(`destination contract: ${factory.name}`, () => {
    async function setup(): Promise<TargetUnderTest> {
      const t = await factory.create();
      onTestFinished(async () => {
        await t.destination.close();
        await t.dispose();
      });
      return t;
    }

    it('ASY-11 each record arrives as its JSON, in the order sent', async () => {
      const t = await setup();
      const records = [{ n: 1, text: 'é ✓' }, { n: 2, nested: { a: [1, 2] } }, { n: 3 }];
      for (const r of records) await t.destination.send(r, ctx);
      const got = await t.received(records.length);
      expect(got.map((b) => JSON.parse(b) as unknown)).toEqual(records);
    });

    it('ASY-13 a Buffer record (the original event of a DLQ) arrives byte for byte', async () => {
      const t = await setup();
      const original = '{ "b":1,\n  "a" : [ ] }';
      await t.destination.send(Buffer.from(original), ctx);
      expect(await t.received(1)).toEqual([original]);
    });

    it('a target that cannot take the record makes send reject', async () => {
      const u = await factory.unreachable();
      onTestFinished(async () => {
        await u.destination.close();
        await u.dispose();
      });
      await expect(u.destination.send({ n: 1 }, ctx)).rejects.toThrow();
    });
  });
}
