// #17 done-when: a function created from a zip over the API, then a mapping created over the API on a real
// ElasticMQ queue: records flow to the API-created function.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { afterAll, expect, it } from 'vitest';
import { uniqueName } from '../../services/inject.js';
import { SqsTestBed } from '../sqs/sqs-kit.js';
import { sqsConnections } from '../sqs/service-kit.js';
import { ROLE, startSluice, type Sluice } from './kit.js';

const bed = new SqsTestBed();
let sluice: Sluice | undefined;
afterAll(async () => {
  await sluice?.stop();
  await bed.close();
});

/** Appends each SQS record's body to the file named by $OUT, one line each. */
const recorder = zipSync({
  'index.js': strToU8(
    `const fs = require('node:fs');
exports.handler = async (event) => {
  for (const r of event.Records) fs.appendFileSync(process.env.OUT, r.body + '\\n');
  return {};
};\n`,
  ),
});

it('FN-5 ESMAPI-1 records of a mapping created over the API reach a function created over the API', async () => {
  sluice = await startSluice({ connections: sqsConnections() });
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'fn-mapping-')), 'seen.txt');
  const FunctionName = uniqueName('mapped').slice(0, 60);
  await sluice.client.send(
    new CreateFunctionCommand({
      FunctionName,
      Role: ROLE,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Code: { ZipFile: recorder },
      Environment: { Variables: { OUT: out } },
    }),
  );
  await waitUntilFunctionActiveV2(
    { client: sluice.client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
    { FunctionName },
  );
  const q = await bed.createQueue('fn-mapping');
  const mapping = await sluice.client.send(
    new CreateEventSourceMappingCommand({ FunctionName, EventSourceArn: q.arn, BatchSize: 5 }),
  );
  expect(mapping.UUID).toBeDefined();
  await bed.send(q, ['a', 'b', 'c']);
  await expect
    .poll(() => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).sort() : []), {
      timeout: 30_000,
    })
    .toEqual(['a', 'b', 'c']);
});
