// Helpers for the tests that run the BUILT sluice (dist/, `npm run build` first) against the shared ElasticMQ:
// a config with the sqs connection, the fixture handlers of test/fixtures/sqs, and the handler's output file.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sqsEndpoint } from './env.js';

export const SQS_FIXTURES = path.resolve('test/fixtures/sqs');

export interface Seen {
  id: string;
  body: string;
  count: number;
  pid: number;
  at: number;
}

/** A fresh file for the fixture handlers to append to (OUT_FILE). */
export function outFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'sluice-sqs-')), 'seen.jsonl');
}

export function readSeen(file: string): Seen[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Seen);
}

export function sqsConnections(): Record<string, unknown> {
  return {
    sqs: {
      type: 'sqs',
      endpoint: sqsEndpoint(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    },
  };
}

/** A nodejs function running one of the fixture handlers, writing what it sees to `out`. */
export function fixtureFunction(handler: string, out: string, extra: object = {}): Record<string, unknown> {
  return {
    Runtime: 'nodejs',
    Handler: `handlers.${handler}`,
    CodeUri: SQS_FIXTURES,
    Environment: { Variables: { OUT_FILE: out } },
    ...extra,
  };
}

export function sqsMapping(functionName: string, queueArn: string, extra: object = {}): Record<string, unknown> {
  return { UUID: randomUUID(), FunctionName: functionName, EventSourceArn: queueArn, Connection: 'sqs', ...extra };
}
