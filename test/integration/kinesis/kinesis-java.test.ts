// A java21 function (the official Java runtime interface client, test/services/java-ric.ts) on a Kinesis mapping
// through the BUILT service on the shared kinesalite, ElasticMQ for the on-failure queue (#19). The handler is
// test/fixtures/streams/java/KinesisSeqHandler.java. Build first: npm run build.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DeleteStreamCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../e2e/service.js';
import { compileJavaHandler, installJavaRic } from '../../services/java-ric.js';
import { closeClients, kinesisClient, sqsClient, uniqueName } from '../../services/inject.js';
import {
  createQueue,
  createStream,
  drainQueue,
  kinesisArn,
  outFile,
  serviceConfig,
  sqsArn,
  waitFor,
} from '../streams/kit.js';

const SOURCE = path.resolve('test/fixtures/streams/java/KinesisSeqHandler.java');
const fn = 'kin-java';
let kinesis: KinesisClient;
let sqs: SQSClient;
let svc: Service | undefined;
let stream = '';
let queueUrl = '';

interface Line {
  kind: 'ok' | 'attempt';
  shard: string;
  seq: string;
  data: string;
}

function lines(): Line[] {
  let text: string;
  try {
    text = readFileSync(outFile(fn), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [kind, shard, seq, data] = l.split(' ') as [Line['kind'], string, string, string];
      return { kind, shard, seq, data };
    });
}
const ok = () => lines().filter((l) => l.kind === 'ok');

async function put(records: Array<{ data: string; pk: string }>): Promise<Array<{ shard: string; seq: string }>> {
  const res = await kinesis.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: records.map((r) => ({ PartitionKey: r.pk, Data: Buffer.from(r.data) })),
    }),
  );
  if ((res.FailedRecordCount ?? 0) > 0) throw new Error('PutRecords failed');
  return (res.Records ?? []).map((r) => ({ shard: r.ShardId ?? '', seq: r.SequenceNumber ?? '' }));
}

beforeAll(async () => {
  const [codeUri, classpath] = await Promise.all([compileJavaHandler([SOURCE], 'java-kinesis'), installJavaRic()]);
  kinesis = kinesisClient();
  sqs = sqsClient();
  stream = uniqueName('kin-java');
  await createStream(kinesis, stream, 2);
  const queue = uniqueName('kin-java-dlq');
  queueUrl = await createQueue(sqs, queue);
  svc = await startService({
    ...serviceConfig({
      functions: {
        [fn]: {
          Runtime: 'java21',
          Handler: 'KinesisSeqHandler::handleRequest',
          CodeUri: codeUri,
          Timeout: 30,
          MemorySize: 512,
          Environment: { Variables: { OUT: outFile(fn) } },
        },
      },
      mappings: [
        {
          FunctionName: fn,
          EventSourceArn: kinesisArn(stream),
          Connection: 'kinesis',
          StartingPosition: 'TRIM_HORIZON',
          MaximumRetryAttempts: 1,
          DestinationConfig: { OnFailure: { Destination: sqsArn(queue) } },
        },
      ],
    }),
    runtimes: { java: { classpath } },
  });
}, 300_000);

afterAll(async () => {
  const code = await svc?.stop();
  await kinesis?.send(new DeleteStreamCommand({ StreamName: stream })).catch(() => undefined);
  await closeClients();
  expect(code).toBe(0);
});

describe('java21 handler on a Kinesis mapping', () => {
  it('RT-19 STR-5 STR-13 STR-14 records reach the Java handler in order per shard; a failing record is retried once, goes to OnFailure, and later records flow', async () => {
    // Eight keys over the two shards, three records each, put in one call: per key (so per shard) in put order.
    const first = Array.from({ length: 24 }, (_v, i) => ({ data: `a${i}`, pk: `k${i % 8}` }));
    const putA = await put(first);
    expect(new Set(putA.map((p) => p.shard)).size).toBe(2);
    await waitFor('a0..a23 in the Java handler', () => (ok().length >= 24 ? true : undefined), 120_000);
    for (const shard of new Set(putA.map((p) => p.shard))) {
      const expected = putA.filter((p) => p.shard === shard).map((p) => p.seq);
      expect(
        ok()
          .filter((l) => l.shard === shard)
          .map((l) => l.seq),
      ).toEqual(expected);
    }
    expect(
      ok()
        .map((l) => l.data)
        .sort(),
    ).toEqual(first.map((r) => r.data).sort());

    const [failed] = await put([{ data: 'fail', pk: 'k0' }]);
    const [record] = await waitFor('the on-failure record', async () => {
      const got = await drainQueue(sqs, queueUrl);
      return got.length > 0 ? got : undefined;
    });
    expect(record).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 },
      responseContext: { functionError: 'Unhandled' },
      KinesisBatchInfo: {
        shardId: failed!.shard,
        startSequenceNumber: failed!.seq,
        endSequenceNumber: failed!.seq,
        batchSize: 1,
        streamArn: kinesisArn(stream),
      },
    });
    // The first invocation and its one retry (MaximumRetryAttempts 1), then never again.
    expect(
      lines()
        .filter((l) => l.kind === 'attempt')
        .map((l) => l.seq),
    ).toEqual([failed!.seq, failed!.seq]);

    // Later records on the failed record's shard (k0) and the other flow on.
    const later = Array.from({ length: 8 }, (_v, i) => ({ data: `b${i}`, pk: `k${i}` }));
    const putB = await put(later);
    await waitFor('b0..b7', () => (ok().length >= 32 ? true : undefined), 60_000);
    expect(
      ok()
        .slice(24)
        .map((l) => l.data)
        .sort(),
    ).toEqual(later.map((r) => r.data).sort());
    for (const shard of new Set(putB.map((p) => p.shard))) {
      const expected = [...putA, ...putB].filter((p) => p.shard === shard).map((p) => p.seq);
      expect(
        ok()
          .filter((l) => l.shard === shard)
          .map((l) => l.seq),
      ).toEqual(expected);
    }
    expect(lines().some((l) => l.kind === 'attempt' && l.data !== 'fail')).toBe(false);
  });
});
