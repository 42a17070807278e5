// P-12 at the edge: the 6 MB cap applies to the event as sent (envelope, records, separators, window fields), so a
// batch never makes an invoke payload of more than 6,291,456 bytes (a real Lambda answers 413 to that, forever).
import { describe, expect, it } from 'vitest';
import type { InvokeCall } from './helpers/fakes.js';
import { ok } from './helpers/fakes.js';
import { harness } from './helpers/setup.js';

const CAP = 6 * 1024 * 1024;
/** `{"Records":[` … `]}` around the records of the fake source's event. */
const ENVELOPE = '{"Records":[]}'.length;
/** JSON size of a fake record with empty data (positions are 20 digits). */
const RECORD_BASE = Buffer.byteLength(
  JSON.stringify({
    eventID: `shard-0:${'0'.repeat(20)}`,
    kinesis: { sequenceNumber: '0'.repeat(20), partitionKey: 'pk', data: '' },
  }),
);

/** Data strings for n records whose event is exactly `eventBytes`. */
function sized(n: number, eventBytes: number): string[] {
  const recordsBytes = eventBytes - ENVELOPE - (n - 1);
  const each = Math.floor(recordsBytes / n);
  return Array.from({ length: n }, (_v, i) => {
    const bytes = i === n - 1 ? recordsBytes - each * (n - 1) : each;
    return String(i) + 'x'.repeat(bytes - RECORD_BASE - 1);
  });
}

async function run(data: string[], options: Parameters<typeof harness>[0] = {}) {
  const h = harness({ batchSize: 100, withDestination: true, ...options });
  h.source.exactSizes = true;
  h.invoker.behaviour = (call: InvokeCall) =>
    (call.event as { window?: unknown }).window === undefined ? ok() : ok({ state: {} });
  h.source.put('shard-0', data);
  await h.mapping.start();
  await h.clock.runUntil(() => h.invoker.seen.length + h.destination.sent.length >= data.length, 600_000);
  await h.stop();
  return h;
}

describe('P-12 the 6 MB cap counts the event as sent', () => {
  it('P-12 a batch whose event is exactly 6,291,456 bytes goes out whole', async () => {
    const h = await run(sized(6, CAP));
    expect(h.invoker.calls.map((c) => [c.data.length, c.bytes])).toEqual([[6, CAP]]);
  });

  it('P-12 one byte more closes the batch a record earlier (envelope and separators count)', async () => {
    const h = await run(sized(6, CAP + 1));
    expect(h.invoker.calls.map((c) => c.data.length)).toEqual([5, 1]);
    for (const c of h.invoker.calls) expect(c.bytes).toBeLessThanOrEqual(CAP);
  });

  it('P-12 D-4 a lone record whose event is one byte over the cap goes out as MaximumPayloadSizeExceeded', async () => {
    const h = await run([...sized(1, CAP + 1), ...sized(1, CAP)]);
    expect(h.destination.sent.map((r) => r.requestContext)).toMatchObject([
      { condition: 'MaximumPayloadSizeExceeded', approximateInvokeCount: 0 },
    ]);
    expect(h.invoker.calls.map((c) => [c.data.length, c.bytes])).toEqual([[1, CAP]]);
  });

  it('P-12 STR-33 the window fields of a tumbling-window event count too, from the first batch of the window', async () => {
    const h = await run(sized(6, CAP), { tumblingWindowMs: 60_000, windowIdleCloseMs: 0 });
    const batches = h.invoker.calls.filter((c) => c.data.length > 0);
    expect(batches.map((c) => c.data.length)).toEqual([5, 1]);
    for (const c of h.invoker.calls) expect(c.bytes).toBeLessThanOrEqual(CAP);
  });
});
