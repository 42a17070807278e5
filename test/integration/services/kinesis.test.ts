import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { closeClients, kinesisClient, uniqueName } from '../../services/inject.js';

afterAll(closeClients);

describe('Kinesis test server (kinesalite)', () => {
  it('creates a stream, puts records and gets them back in order', async () => {
    const kinesis = kinesisClient();
    const StreamName = uniqueName('smoke');
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
    // kinesalite addresses streams by name only (no StreamARN); wait for ACTIVE by polling, not sleeping blindly.
    for (;;) {
      const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
      if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const enc = new TextEncoder();
    for (const data of ['one', 'two']) {
      await kinesis.send(new PutRecordCommand({ StreamName, PartitionKey: 'pk', Data: enc.encode(data) }));
    }
    const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName }));
    expect(Shards).toHaveLength(1);
    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName, ShardId: Shards![0]!.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    const dec = new TextDecoder();
    expect(Records?.map((r) => dec.decode(r.Data))).toEqual(['one', 'two']);
    expect(Records?.[0]?.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
  });
});
