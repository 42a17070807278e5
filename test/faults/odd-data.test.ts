// Scenario j: data a broker accepts but a Lambda event cannot carry, or a filter cannot read, on the shared servers.
// A Kafka topic (max.message.bytes raised to 8 MB) and a Redis stream get a mix of: small JSON records (kept or
// filtered out by a FilterCriteria on the data), records over 6 MB (P-12: to the on-failure destination with
// MaximumPayloadSizeExceeded, without blocking the records behind them), a 4 MB record that still fits, binary
// (non-UTF-8) values, text that is not valid base64 and base64 text of JSON. Where invalid base64 can enter
// through a broker: nowhere as transport — Kafka and Redis carry bytes, and sluice itself base64-encodes Kafka
// values for the event — so it enters as record content that a handler or a filter might wrongly decode: the
// filter must treat it as a plain string (FLT-10: data rule ignored, record delivered), and the handler must get
// the bytes unchanged. Every record is identified by its position (offset / entry id) and accounted for.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { logLevel } from 'kafkajs';
import { afterEach, expect, it } from 'vitest';
import { closeClients, kafka, redis, servers, sqsClient, uniqueName } from '../services/inject.js';
import {
  FAULT_FIXTURES,
  Sluice,
  audit,
  createQueue,
  drainQueue,
  readRecords,
  recordLog,
  sqsConnections,
  until,
} from './harness.js';
import { compareEntryIds } from './commit-watch.js';

const MB = 1024 * 1024;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  await closeClients();
});

type Kind = 'keep' | 'drop' | 'huge' | 'large' | 'binary' | 'not-base64' | 'base64-json';
/** 31 kept, 10 filtered out, 2 over 6 MB, 1 of 4 MB, 5 binary, 2 not base64, 2 base64 text: interleaved. */
const PLAN: Kind[] = Array.from({ length: 53 }, (_v, i): Kind => {
  const odd: Record<number, Kind> = { 5: 'huge', 17: 'large', 29: 'huge', 41: 'base64-json', 47: 'base64-json' };
  if (odd[i]) return odd[i];
  if (i % 10 === 3) return 'binary';
  if (i % 10 === 7 && i < 30) return 'not-base64';
  if (i % 5 === 1) return 'drop';
  return 'keep';
});

/** A payload of that kind; `keep` is the field the filter looks at. */
function payload(kind: Kind, i: number): Buffer {
  const json = (o: object) => Buffer.from(JSON.stringify(o));
  switch (kind) {
    case 'keep':
      return json({ i, keep: 'yes' });
    case 'drop':
      return json({ i, keep: 'no' });
    case 'huge':
      return json({ i, keep: 'yes', pad: 'x'.repeat(7 * MB) });
    case 'large':
      return json({ i, keep: 'yes', pad: 'x'.repeat(4 * MB) });
    case 'binary':
      return Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0xc3]), randomBytes(64)]);
    case 'not-base64':
      return Buffer.from(`@@ not base64 %% ${i} ==!`);
    case 'base64-json':
      return Buffer.from(Buffer.from(JSON.stringify({ i, keep: 'no' })).toString('base64'));
  }
}

const recorderFn = (log: string, digests?: string) => ({
  Handler: 'handlers.recorder',
  CodeUri: FAULT_FIXTURES,
  Timeout: 5,
  MemorySize: 512,
  Environment: {
    Variables: {
      FAULTS_LOG: log,
      FAULTS_ID: 'position',
      FAULTS_WORK_MS: '0',
      ...(digests ? { FAULTS_DIGESTS: digests } : {}),
    },
  },
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Sent {
  id: string;
  kind: Kind;
}

/**
 * Waits until every record is handled or in the DLQ except the filtered ones, then a little longer (a filtered
 * record must never show up), and audits. `inDlq(body)` turns a failure record into the ids it covers.
 */
async function settle(scenario: string, note: string, log: string, sent: Sent[], dlq: () => Promise<Set<string>>) {
  const startedAtMs = Date.now();
  const filtered = sent.filter((s) => s.kind === 'drop').map((s) => s.id);
  const expected = sent.filter((s) => s.kind !== 'drop').map((s) => s.id);
  const failed = new Set<string>();
  const settledAtMs = await until(
    async () => {
      for (const id of await dlq()) failed.add(id);
      const handled = new Set(readRecords(log).map((h) => h.id));
      return expected.every((id) => handled.has(id) || failed.has(id)) ? Date.now() : undefined;
    },
    60_000,
    'every record handled or in the DLQ',
  ).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 1500));
  for (const id of await dlq()) failed.add(id);
  const handled = readRecords(log);
  const row = audit({
    scenario,
    produced: sent.map((s) => s.id),
    handled,
    filtered,
    inDestination: failed,
    startedAtMs,
    settledAtMs,
    note,
  });
  const handledIds = new Set(handled.map((h) => h.id));
  const idsOf = (k: Kind) => sent.filter((s) => s.kind === k).map((s) => s.id);
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
  // P-12: only the records over 6 MB go to the DLQ; the 4 MB one and everything else is delivered.
  expect([...failed].sort()).toEqual(idsOf('huge').sort());
  for (const id of [...idsOf('large'), ...idsOf('binary'), ...idsOf('not-base64'), ...idsOf('base64-json')])
    expect(handledIds.has(id)).toBe(true);
  for (const id of filtered) expect(handledIds.has(id)).toBe(false);
}

it('P-12 FLT-10 Kafka: > 6 MB to OnFailure (MaximumPayloadSizeExceeded), binary / non-base64 delivered, lost = 0', async () => {
  const sqs = sqsClient();
  const dlq = await createQueue(sqs, uniqueName('faults-odd-kafka-dlq'));
  const client = kafka({ logLevel: logLevel.NOTHING });
  const topic = uniqueName('faults-odd');
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: String(8 * MB) }] }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const producer = client.producer();
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  const log = recordLog();
  const digests = `${log}.sha256`;
  const sluice = await Sluice.start({
    connections: sqsConnections(servers().sqs.endpoint, {
      kafka: { type: 'kafka', brokers: servers().kafka.brokers },
    }),
    functions: { rec: recorderFn(log, digests) },
    eventSourceMappings: [
      {
        FunctionName: 'rec',
        Topics: [topic],
        Connection: 'kafka',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ value: { keep: ['yes'] } }) }] },
        DestinationConfig: { OnFailure: { Destination: dlq.arn } },
      },
    ],
  });
  cleanups.push(() => sluice.stop());
  const sent: Sent[] = [];
  const sentDigest = new Map<string, string>();
  for (const [i, kind] of PLAN.entries()) {
    const value = payload(kind, i);
    const [meta] = await producer.send({ topic, acks: -1, messages: [{ key: `k${i}`, value }] });
    const id = `${topic}-${meta!.partition}@${meta!.baseOffset!}`;
    sent.push({ id, kind });
    sentDigest.set(id, sha256(value));
  }
  const conditions: string[] = [];
  await settle(
    'j1. Kafka: records > 6 MB, binary, non-JSON, not base64; filter on value',
    `53 records, 1 partition, max.message.bytes 8 MB: 2 of 7 MB to OnFailure (SQS), 1 of 4 MB delivered, 10 filtered out, 5 binary + 4 non-JSON text delivered (FLT-10)`,
    log,
    sent,
    async () => {
      const ids = new Set<string>();
      for (const body of await drainQueue(sqs, dlq)) {
        const rec = JSON.parse(body) as {
          requestContext: { condition: string };
          KafkaBatchInfo: { recordsInfo: Record<string, { firstRecordOffset: string; lastRecordOffset: string }> };
        };
        conditions.push(rec.requestContext.condition);
        for (const [tp, r] of Object.entries(rec.KafkaBatchInfo.recordsInfo))
          for (let o = Number(r.firstRecordOffset); o <= Number(r.lastRecordOffset); o++) ids.add(`${tp}@${o}`);
      }
      return ids;
    },
  );
  expect(conditions).toEqual(['MaximumPayloadSizeExceeded', 'MaximumPayloadSizeExceeded']);
  // KAF-2: every delivered value (binary, not base64, base64 text, 4 MB) reached the handler byte for byte.
  const got = readFileSync(digests, 'utf8').trim().split('\n');
  expect(got.length).toBeGreaterThan(0);
  for (const line of got) {
    const [id = '', digest] = line.split(' ');
    expect(digest, id).toBe(sentDigest.get(id));
  }
  expect((await fetch(`${sluice.url}/healthz`)).status).toBe(200);
});

it('P-12 Redis Streams: an entry > 6 MB to OnFailure, binary / non-base64 fields delivered, lost = 0', async () => {
  const sqs = sqsClient();
  const dlq = await createQueue(sqs, uniqueName('faults-odd-redis-dlq'));
  const client = redis();
  const key = uniqueName('faults-odd');
  const log = recordLog();
  const sluice = await Sluice.start({
    connections: sqsConnections(servers().sqs.endpoint, { redis: { type: 'redis', url: servers().redis.url } }),
    functions: { rec: recorderFn(log) },
    eventSourceMappings: [
      {
        FunctionName: 'rec',
        EventSourceArn: `redis://${key}`,
        Connection: 'redis',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ redis: { fields: { keep: ['yes'] } } }) }] },
        DestinationConfig: { OnFailure: { Destination: dlq.arn } },
      },
    ],
  });
  cleanups.push(() => sluice.stop());
  const sent: Sent[] = [];
  for (const [i, kind] of PLAN.entries()) {
    // The filter field is its own entry field; the odd data goes in `data` (binary values stay bytes in Redis).
    const keep = kind === 'drop' ? 'no' : 'yes';
    const id = await client.xadd(key, '*', 'keep', keep, 'data', payload(kind, i));
    sent.push({ id: id!, kind });
  }
  const entryIds = sent.map((s) => s.id);
  const conditions: string[] = [];
  await settle(
    'j2. Redis Streams: entries > 6 MB, binary, not base64; filter on fields',
    '53 entries: 2 of 7 MB to OnFailure (SQS), 1 of 4 MB delivered, 10 filtered out, 5 binary + 4 odd-text entries delivered',
    log,
    sent,
    async () => {
      const ids = new Set<string>();
      for (const body of await drainQueue(sqs, dlq)) {
        const rec = JSON.parse(body) as {
          requestContext: { condition: string };
          RedisStreamBatchInfo: { startSequenceNumber: string; endSequenceNumber: string };
        };
        conditions.push(rec.requestContext.condition);
        const { startSequenceNumber: from, endSequenceNumber: to } = rec.RedisStreamBatchInfo;
        for (const id of entryIds) if (compareEntryIds(id, from) >= 0 && compareEntryIds(id, to) <= 0) ids.add(id);
      }
      return ids;
    },
  );
  expect(conditions).toEqual(['MaximumPayloadSizeExceeded', 'MaximumPayloadSizeExceeded']);
  expect((await fetch(`${sluice.url}/healthz`)).status).toBe(200);
});
