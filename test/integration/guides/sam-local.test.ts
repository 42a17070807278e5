// #18 guide docs/coming-from-sam-local.md, run as written against ElasticMQ and kinesalite: import
// --create-resources, start, SQS partial failure to the template's DLQ, Kinesis, Invoke and the Lambda API, /metrics.
import { expect, it } from 'vitest';
import { freePort } from '../../services/ports.js';
import { servers, uniqueName } from '../../services/inject.js';
import { guideSteps, readGuide, runGuide } from './guide-runner.js';

it('#18 guide "Coming from SAM local" runs as written', async () => {
  const s = servers();
  const port = await freePort();
  const steps = guideSteps(readGuide('coming-from-sam-local.md'), [
    ['http://localhost:9324', s.sqs.endpoint],
    ['http://localhost:4567', s.kinesis.endpoint],
    [/\b9001\b/g, String(port)],
    // Unique resource names, so parallel runs on the shared servers never meet.
    [/\bsam-(orders|clicks)/g, `${uniqueName('sam')}-$1`],
  ]);
  expect(steps.filter((st) => st.kind === 'file').map((st) => st.arg)).toEqual([
    'template.yaml',
    'src/orders.mjs',
    'src/clicks.mjs',
  ]);
  const run = await runGuide(steps);
  expect(run.outputs.length).toBe(steps.filter((st) => st.kind === 'test' || st.kind === 'poll').length);
}, 180_000);

it('#18 a guide whose output no longer matches fails (the runner is not vacuous)', async () => {
  const s = servers();
  const steps = guideSteps(readGuide('coming-from-sam-local.md'), [
    ['http://localhost:9324', s.sqs.endpoint],
    ['http://localhost:4567', s.kinesis.endpoint],
    [/\bsam-(orders|clicks)/g, `${uniqueName('sam')}-$1`],
    ['wrote sluice.json: 2 function(s)', 'wrote sluice.json: 3 function(s)'],
  ]);
  await expect(runGuide(steps)).rejects.toThrow(/guide output lacks \["wrote sluice.json: 3 function\(s\)/);
});
