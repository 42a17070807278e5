// STR-11 through the built service: with default settings (MaximumRetryAttempts and MaximumRecordAgeInSeconds -1)
// a bad record blocks its shard until it leaves the stream: one week of Kinesis retention, one day of DynamoDB's.
// The service's clock runs just short of that ahead, so the records look almost that old to it; it must keep
// retrying them, send nothing to the on-failure queue and deliver nothing behind them. (What happens when the
// stream itself drops the records is the servers' retention, which no test can wait for.) Build first.
import { DeleteStreamCommand } from '@aws-sdk/client-kinesis';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { metricValue, type Service } from '../../e2e/service.js';
import { closeClients, dynamoClient, kinesisClient, sqsClient, uniqueName } from '../../services/inject.js';
import {
  createQueue,
  createStream,
  createTable,
  delivered,
  drainQueue,
  fixtureFunction,
  invocations,
  kinesisArn,
  putItems,
  putKinesis,
  serviceConfig,
  sqsArn,
  startSkewed,
  waitFor,
} from './kit.js';

const HOUR = 3600_000;
const services: Service[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  for (const c of cleanups) await c().catch(() => undefined);
  await closeClients();
});

/** Starts the skewed service on `source`, waits for `tries` failed invocations and checks the shard is still blocked. */
async function blocksUnderDefaults(fn: string, source: { arn: string; connection: string }, skewMs: number) {
  const sqs = sqsClient();
  const queue = uniqueName(`${fn}-dlq`);
  const url = await createQueue(sqs, queue);
  const svc = await startSkewed(
    serviceConfig({
      functions: { [fn]: fixtureFunction(fn) },
      mappings: [
        {
          FunctionName: fn,
          EventSourceArn: source.arn,
          Connection: source.connection,
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 1,
          DestinationConfig: { OnFailure: { Destination: sqsArn(queue) } },
        },
      ],
    }),
    skewMs,
  );
  services.push(svc);
  // Retries back off at 20..200 ms (tuning); 15 tries is more than the first backoffs of any finite default.
  await waitFor('15 failed tries of the bad record', () => (invocations(fn).length >= 15 ? true : undefined), 60_000);
  expect(invocations(fn).every((i) => i.records.length === 1 && i.records[0]!.id === 'bad')).toBe(true);
  expect(delivered(fn)).toEqual([]); // 'next' waits behind 'bad'
  expect(await drainQueue(sqs, url)).toEqual([]);
  const m = (name: string, extra: Record<string, string> = {}) =>
    metricValue(svc.url, name, { function: fn, ...extra });
  expect(await m('sluice_on_failure_delivered_events_total')).toBe(0);
  expect(await m('sluice_dropped_events_total')).toBe(0);
  expect(await m('sluice_shard_state', { state: 'retrying' })).toBe(1);
  // The records really looked that old to sluice (STR-27: iterator age of the last batch sent).
  expect(await m('sluice_iterator_age_seconds')).toBeGreaterThan((skewMs - 10 * 60_000) / 1000);
  expect(await svc.stop()).toBe(0);
}

describe('STR-11 default settings', () => {
  it('STR-11 Kinesis: a bad record almost a week old still blocks its shard (no retry limit, no age limit)', async () => {
    const kinesis = kinesisClient();
    const stream = uniqueName('str11');
    cleanups.push(() => kinesis.send(new DeleteStreamCommand({ StreamName: stream })));
    await createStream(kinesis, stream, 1);
    await putKinesis(kinesis, stream, [{ id: 'bad', poison: 1 }, { id: 'next' }]);
    await blocksUnderDefaults(
      'str11-kinesis',
      { arn: kinesisArn(stream), connection: 'kinesis' },
      7 * 24 * HOUR - HOUR,
    );
  });

  it('STR-11 DynamoDB Streams: a bad record almost a day old still blocks its shard', async () => {
    const ddb = dynamoClient();
    const table = uniqueName('str11');
    cleanups.push(() => ddb.send(new DeleteTableCommand({ TableName: table })));
    const arn = await createTable(ddb, table);
    await putItems(ddb, table, [{ id: 'bad', poison: 1 }, { id: 'next' }]);
    await blocksUnderDefaults('str11-dynamodb', { arn, connection: 'dynamodb' }, 23 * HOUR);
  });
});
