// #18 guide docs/coming-from-localstack.md, run as written against ElasticMQ: queues made with the AWS CLI, the
// function and mapping as a hand-written config, SQS partial failure to the DLQ, Invoke (sync and Event) and
// ListEventSourceMappings with the AWS CLI, a failed async event read with `sluice peek`, /metrics.
import { expect, it } from 'vitest';
import { freePort } from '../../services/ports.js';
import { servers, uniqueName } from '../../services/inject.js';
import { guideSteps, readGuide, runGuide } from './guide-runner.js';

it('#18 guide "Coming from LocalStack" runs as written', async () => {
  const port = await freePort();
  const steps = guideSteps(readGuide('coming-from-localstack.md'), [
    ['http://localhost:9324', servers().sqs.endpoint],
    [/\b9001\b/g, String(port)],
    // Unique queue names, so parallel runs on the shared server never meet.
    [/\bls-payments/g, `${uniqueName('ls')}-payments`],
  ]);
  expect(steps.filter((st) => st.kind === 'file').map((st) => st.arg)).toEqual([
    'index.mjs',
    'queue-attributes.json',
    'sluice.json',
  ]);
  const run = await runGuide(steps);
  expect(run.outputs.length).toBe(steps.filter((st) => st.kind === 'test' || st.kind === 'poll').length);
}, 180_000);
