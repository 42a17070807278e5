// kinesalite started in-process on a free loopback port, plus small helpers to create streams and wait for
// them (polling the stream status, not sleeping blindly). Also used by the benchmarks (bench/scenarios/kinesis.ts).
import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

type KinesaliteFactory = (options: Record<string, unknown>) => Server;

export interface Kinesalite {
  endpoint: string;
  close(): Promise<void>;
}

export async function startKinesalite(): Promise<Kinesalite> {
  const kinesalite = createRequire(import.meta.url)('kinesalite') as KinesaliteFactory;
  const server = kinesalite({ createStreamMs: 50, deleteStreamMs: 50, updateStreamMs: 50, shardLimit: 100 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const TEST_CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };

export function testKinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    region: 'us-east-1',
    endpoint,
    credentials: TEST_CREDENTIALS,
    requestHandler: new NodeHttpHandler(),
  });
}

export async function waitActive(client: KinesisClient, StreamName: string): Promise<void> {
  for (;;) {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function createStream(client: KinesisClient, StreamName: string, ShardCount: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName, ShardCount }));
  await waitActive(client, StreamName);
}

let counter = 0;
export const uniqueStreamName = (prefix: string): string => `${prefix}-${process.pid}-${Date.now()}-${++counter}`;
