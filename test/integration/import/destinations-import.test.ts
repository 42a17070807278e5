// #22 import, end to end on moto: a SAM template whose function sends async OnFailure to an SNS topic (!Ref) and
// OnSuccess to an EventBridge bus (!GetAtt) is imported with --create-resources (the topic and the bus are created
// on moto), sluice runs the generated config, and both invocation records arrive.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { expect, it } from 'vitest';
import { startApp } from '../../../src/app/app.js';
import { runCli } from '../../../src/cli/index.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { uniqueName } from '../../services/inject.js';
import { lambdaClient } from '../async/service-kit.js';
import { events, MOTO_ACCOUNT, motoEndpoint, motoQueue, REGION, topicWithQueue } from '../destinations/moto-kit.js';

const TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Parameters:
  Prefix: { Type: String }
Resources:
  Failed:
    Type: AWS::SNS::Topic
    Properties: { TopicName: !Sub '\${Prefix}-failed' }
  Results:
    Type: AWS::Events::EventBus
    Properties: { Name: !Sub '\${Prefix}-results' }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub '\${Prefix}-fn'
      Runtime: nodejs22.x
      CodeUri: ./
      Handler: handler.handler
      EventInvokeConfig:
        MaximumRetryAttempts: 0
        DestinationConfig:
          OnSuccess: { Type: EventBridge, Destination: !GetAtt Results.Arn }
          OnFailure: { Type: SNS, Destination: !Ref Failed }
`;

const HANDLER = `export const handler = async (e) => {
  if (e.fail) throw new Error('failed ' + e.tag);
  return { tag: e.tag };
};
`;

it('DEST-7 DEST-10 #22 import: SNS OnFailure and EventBridge OnSuccess are created on moto and delivered', async () => {
  const prefix = uniqueName('impd');
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-import-dest-'));
  const file = path.join(dir, 'template.yaml');
  const out = path.join(dir, 'sluice.json');
  writeFileSync(file, TEMPLATE);
  writeFileSync(path.join(dir, 'handler.mjs'), HANDLER);
  const moto = motoEndpoint();
  let stderr = '';
  const code = await runCli(
    [
      'import',
      file,
      '-o',
      out,
      '-p',
      `Prefix=${prefix}`,
      '--region',
      REGION,
      '--account-id',
      MOTO_ACCOUNT,
      '--sns-endpoint',
      moto,
      '--eventbridge-endpoint',
      moto,
      '--create-resources',
    ],
    { stdout: () => {}, stderr: (s) => void (stderr += s), env: process.env },
  );
  expect(stderr).toContain(`resource: sns topic ${prefix}-failed`);
  expect(stderr).toContain(`resource: event bus ${prefix}-results`);
  expect(code).toBe(0);

  // Readers on moto: a queue subscribed to the created topic, and a rule on the created bus targeting a queue.
  const failed = await topicWithQueue(moto, `${prefix}-failed`);
  const results = await motoQueue(moto);
  const eb = events(moto);
  const rule = uniqueName('rule');
  const bus = `${prefix}-results`;
  await eb.send(
    new PutRuleCommand({ Name: rule, EventBusName: bus, EventPattern: JSON.stringify({ source: ['lambda'] }) }),
  );
  await eb.send(new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: 'q', Arn: results.arn }] }));
  eb.destroy();

  const written = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  const loaded = loadConfigText(JSON.stringify({ ...written, server: { port: 0 } }), out);
  expect(loaded.problems).toEqual([]);
  const app = await startApp(loaded.config!, createLogger('silent'));
  const lambda = lambdaClient(`http://127.0.0.1:${app.address().port}`);
  try {
    const send = (event: object) =>
      lambda.send(
        new InvokeCommand({
          FunctionName: `${prefix}-fn`,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify(event)),
        }),
      );
    await send({ tag: 'fine' });
    await send({ tag: 'broken', fail: true });
    const [note] = await failed.read(1);
    expect(JSON.parse(note!.Message)).toMatchObject({
      requestContext: { condition: 'RetriesExhausted' },
      requestPayload: { tag: 'broken', fail: true },
      responseContext: { functionError: 'Unhandled' },
    });
    const [event] = (await results.read(1)).map((b) => JSON.parse(b) as { 'detail-type': string; detail: object });
    expect(event!['detail-type']).toBe('Lambda Function Invocation Result - Success');
    expect(event!.detail).toMatchObject({ requestPayload: { tag: 'fine' }, responsePayload: { tag: 'fine' } });
  } finally {
    lambda.destroy();
    await app.stop('test');
  }
});
