import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../../../connectors/memory/queue.js';
import { MemoryStream } from '../../../../connectors/memory/stream.js';

describe('memory queue', () => {
  const make = (now: { t: number }) =>
    new MemoryQueue('q', 'memory://queue/q', { visibilityTimeoutMs: 1000, region: 'us-east-1', now: () => now.t });

  it('hides received messages for the visibility timeout and counts receives', async () => {
    const now = { t: 1000 };
    const q = make(now);
    q.send('a');
    const signal = new AbortController().signal;
    const [first] = await q.receive(10, 0, signal);
    expect(first?.record).toMatchObject({
      body: 'a',
      eventSource: 'aws:sqs',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(await q.receive(10, 0, signal)).toEqual([]);
    now.t += 1000;
    const [again] = await q.receive(10, 0, signal);
    expect(again?.receiveCount).toBe(2);
    // The first receipt is stale now: deleting with it fails and the message stays.
    expect(q.delete([first!])).toEqual([first!.id]);
    expect(q.delete([again!])).toEqual([]);
    expect(q.size).toBe(0);
  });

  it('long polling returns as soon as a message arrives', async () => {
    const q = new MemoryQueue('q', 'memory://queue/q', { visibilityTimeoutMs: 1000, region: 'us-east-1' });
    const pending = q.receive(10, 5000, new AbortController().signal);
    setTimeout(() => q.send('late'), 20);
    expect((await pending).map((m) => m.record.body)).toEqual(['late']);
  });
});

describe('memory stream', () => {
  it('keeps order per shard and resumes after a position', async () => {
    const s = new MemoryStream('s', 'memory://stream/s', { shards: 1, retentionMs: 60_000, region: 'us-east-1' });
    for (const d of ['1', '2', '3']) s.put('k', Buffer.from(d));
    const src = s.source();
    const [shard] = await src.listShards();
    const reader = await src.open(shard!, { type: 'TRIM_HORIZON' });
    const first = await reader.read(2, new AbortController().signal);
    expect(
      first.records.map((r) =>
        Buffer.from(String(r.record.kinesis && (r.record.kinesis as { data: string }).data), 'base64').toString(),
      ),
    ).toEqual(['1', '2']);
    const resumed = await src.open(shard!, { type: 'AFTER', position: first.records[0]!.position });
    expect((await resumed.read(10, new AbortController().signal)).records).toHaveLength(2);
    const latest = await src.open(shard!, { type: 'LATEST' });
    s.put('k', Buffer.from('4'));
    expect((await latest.read(10, new AbortController().signal)).records).toHaveLength(1);
  });
});
