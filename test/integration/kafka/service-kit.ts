// Pieces of the service-level Kafka and Redis Streams tests (the built sluice, npm run build first): a fixture
// function that writes what it sees to a file, and reading that file back.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { servers } from '../../services/inject.js';
import { kafkaBrokers } from './env.js';

export const STREAM_FIXTURES = path.resolve('test/fixtures/kafka-redis');

export interface Invocation {
  values: string[];
  pid: number;
  at: number;
  eventSource?: string;
  keys?: string[];
}

export function outFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'sluice-kr-')), 'seen.jsonl');
}

export function readInvocations(file: string): Invocation[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Invocation);
}

export function fixtureFunction(handler: string, out: string): Record<string, unknown> {
  return {
    Runtime: 'nodejs',
    Handler: `handlers.${handler}`,
    CodeUri: STREAM_FIXTURES,
    Environment: { Variables: { OUT_FILE: out } },
  };
}

/** A named Kafka connection to the test broker, with consumer tuning for fast tests. */
export function kafkaConnection(consumer: Record<string, number> = {}): Record<string, unknown> {
  return { type: 'kafka', brokers: kafkaBrokers(), consumer: { heartbeatIntervalMs: 500, ...consumer } };
}

export function sqsConnection(): Record<string, unknown> {
  return {
    type: 'sqs',
    endpoint: servers().sqs.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  };
}

/** Retry backoffs of a few ms, so retry tests take well under a second per attempt. */
export const FAST_TUNING = { throttleBackoffSeconds: { base: 0.01, max: 0.05 }, streamPollIntervalMs: 50 };
