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
  /**
   * What it takes (default any JSON and Buffers): EventBridge takes async invocation records only (DEST-10), S3
   * no DLQ's Buffer (DEST-1); their records are then sent wrapped as invocation records.
   */
  accepts?: { buffers: boolean; records: 'any' | 'invocation'; ordered: boolean };
}

const ctx = { functionName: 'conformance' };

/** `r` as the requestPayload of an async invocation record (ASY-12). */
const asInvocationRecord = (r: unknown) => ({
  version: '1.0',
  timestamp: '2026-01-02T03:04:05.678Z',
  requestContext: {
    requestId: 'c0ffee00-0000-4000-8000-000000000000',
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:conformance:$LATEST',
    condition: 'Success',
    approximateInvokeCount: 1,
  },
  requestPayload: r,
  responseContext: { statusCode: 200, executedVersion: '$LATEST' },
  responsePayload: null,
});

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
      const plain = [{ n: 1, text: 'é ✓' }, { n: 2, nested: { a: [1, 2] } }, { n: 3 }];
      const records: unknown[] = factory.accepts?.records === 'invocation' ? plain.map(asInvocationRecord) : plain;
      for (const r of records) await t.destination.send(r, ctx);
      const got = (await t.received(records.length)).map((b) => JSON.parse(b) as unknown);
      // Objects in a bucket have no order beyond their keys (time, then a random UUID).
      if (factory.accepts?.ordered === false) expect(got).toEqual(expect.arrayContaining(records));
      expect(got).toHaveLength(records.length);
      if (factory.accepts?.ordered !== false) expect(got).toEqual(records);
    });

    it.skipIf(factory.accepts?.buffers === false)(
      'ASY-13 a Buffer record (the original event of a DLQ) arrives byte for byte',
      async () => {
        const t = await setup();
        const original = '{ "b":1,\n  "a" : [ ] }';
        await t.destination.send(Buffer.from(original), ctx);
        expect(await t.received(1)).toEqual([original]);
      },
    );

    it('a target that cannot take the record makes send reject', async () => {
      const u = await factory.unreachable();
      onTestFinished(async () => {
        await u.destination.close();
        await u.dispose();
      });
      const record = factory.accepts?.records === 'invocation' ? asInvocationRecord({ n: 1 }) : { n: 1 };
      await expect(u.destination.send(record, ctx)).rejects.toThrow();
    });
  });
}
