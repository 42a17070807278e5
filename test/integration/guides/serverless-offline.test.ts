// #18 guide docs/coming-from-serverless-offline.md, run as written against ElasticMQ and DynamoDB Local: import of a
// serverless.yml with --create-resources, a TypeScript handler run without a build, SQS partial failure to the DLQ,
// a DynamoDB stream, Invoke and ListEventSourceMappings with the AWS CLI, /metrics.
import { expect, it } from 'vitest';
import { freePort } from '../../services/ports.js';
import { servers, uniqueName } from '../../services/inject.js';
import { guideSteps, readGuide, runGuide } from './guide-runner.js';

it('#18 guide "Coming from serverless-offline" runs as written', async () => {
  const s = servers();
  const port = await freePort();
  const steps = guideSteps(readGuide('coming-from-serverless-offline.md'), [
    ['http://localhost:9324', s.sqs.endpoint],
    ['http://localhost:8000', s.dynamodb.endpoint],
    [/\b9001\b/g, String(port)],
    // Unique resource names, so parallel runs on the shared servers never meet.
    [/\bsls-(invoices|carts)/g, `${uniqueName('sls')}-$1`],
  ]);
  expect(steps.filter((st) => st.kind === 'file').map((st) => st.arg)).toEqual([
    'serverless.yml',
    'src/invoice.ts',
    'src/audit.mjs',
  ]);
  const run = await runGuide(steps);
  expect(run.outputs.length).toBe(steps.filter((st) => st.kind === 'test' || st.kind === 'poll').length);
}, 180_000);
