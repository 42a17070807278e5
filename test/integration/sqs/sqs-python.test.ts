// Issue #19 item 4: a Python handler on the official awslambdaric (python3.12 over the Runtime API) behind an SQS
// mapping on the shared ElasticMQ, reporting batchItemFailures: only the failed records come back.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, type App } from '../../../src/app/app.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { installAwsLambdaRic } from '../../services/python-venv.js';
import { SqsTestBed, waitFor } from './sqs-kit.js';
import { outFile, readSeen, sqsConnections, sqsMapping } from './service-kit.js';

const bed = new SqsTestBed();
let app: App | undefined;

beforeAll(async () => void (await installAwsLambdaRic()), 600_000);
afterAll(async () => {
  await app?.stop('test');
  await bed.close();
});

it('SQS-17 RT-17 a python3.12 handler returning batchItemFailures: failures are retried once, the rest deleted', async () => {
  const q = await bed.createQueue('py-partial', { VisibilityTimeout: '2' });
  const out = outFile();
  const loaded = loadConfigText(
    JSON.stringify({
      server: { port: 0 },
      connections: sqsConnections(),
      runtimes: { python: { interpreter: await installAwsLambdaRic() } },
      functions: {
        py: {
          Runtime: 'python3.12',
          Handler: 'app.handler',
          CodeUri: 'test/fixtures/runtimes/python-sqs',
          Timeout: 1,
          Environment: { Variables: { OUT_FILE: out } },
        },
      },
      eventSourceMappings: [sqsMapping('py', q.arn, { FunctionResponseTypes: ['ReportBatchItemFailures'] })],
    }),
    'sqs-python.json',
  );
  expect(loaded.problems).toEqual([]);
  app = await startApp(loaded.config!, createLogger('silent'));
  const bodies = [...Array.from({ length: 8 }, (_, i) => `ok-${i}`), 'fail-a', 'fail-b'];
  await bed.send(q, bodies);
  await waitFor(async () => (await bed.remaining(q)) === 0, 30_000, 'empty queue');
  const seen = readSeen(out);
  expect(new Set(seen.map((s) => s.body))).toEqual(new Set(bodies));
  for (const b of ['fail-a', 'fail-b']) expect(seen.filter((s) => s.body === b).map((s) => s.count)).toEqual([1, 2]);
  expect(seen.filter((s) => s.body.startsWith('ok-')).every((s) => s.count === 1)).toBe(true);
}, 90_000);
