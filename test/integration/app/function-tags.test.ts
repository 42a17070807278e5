// FN-31 with the Redis state store: tags set through one sluice are read through another sharing the store, and
// survive a restart. Driven with @aws-sdk/client-lambda against sluice started in-process.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  LambdaClient,
  ListTagsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  GetFunctionCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../../src/app/app.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';
import { closeClients, redis, servers } from '../../services/inject.js';

const prefix = `fnread-${randomUUID()}`;
const MAPPING = randomUUID();
const FN_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:hello';
const MAPPING_ARN = `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${MAPPING}`;
const apps: App[] = [];
const clients: LambdaClient[] = [];

afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all(apps.map((a) => a.stop('test')));
  const admin = redis();
  const keys = await admin.keys(`${prefix}:*`);
  if (keys.length > 0) await admin.del(...keys);
  await closeClients();
});

async function start(): Promise<LambdaClient> {
  const loaded = loadConfigText(
    JSON.stringify({
      server: { port: 0 },
      connections: { redis: { type: 'redis', url: servers().redis.url } },
      state: { type: 'redis', connection: 'redis', keyPrefix: prefix },
      functions: { hello: { Handler: 'functions/hello.handler', CodeUri: path.resolve('config') } },
      eventSourceMappings: [{ UUID: MAPPING, FunctionName: 'hello', EventSourceArn: `memory://queue/${prefix}` }],
    }),
    'function-tags.json',
  );
  expect(loaded.problems).toEqual([]);
  const app = await startApp(loaded.config!, createLogger('silent'));
  apps.push(app);
  const client = new LambdaClient({
    endpoint: `http://127.0.0.1:${app.address().port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

describe('FN-31 tags in the Redis state store', () => {
  it('FN-31 tags set through one instance are seen by another and kept across a restart', async () => {
    const a = await start();
    const b = await start();
    await a.send(new TagResourceCommand({ Resource: FN_ARN, Tags: { team: 'data', tmp: 'x' } }));
    await a.send(new TagResourceCommand({ Resource: MAPPING_ARN, Tags: { owner: 'me' } }));
    await b.send(new UntagResourceCommand({ Resource: FN_ARN, TagKeys: ['tmp'] }));
    expect((await b.send(new ListTagsCommand({ Resource: FN_ARN }))).Tags).toEqual({ team: 'data' });
    expect((await a.send(new ListTagsCommand({ Resource: FN_ARN }))).Tags).toEqual({ team: 'data' });
    expect((await b.send(new ListTagsCommand({ Resource: MAPPING_ARN }))).Tags).toEqual({ owner: 'me' });

    for (const app of apps.splice(0)) await app.stop('restart');
    const c = await start();
    expect((await c.send(new GetFunctionCommand({ FunctionName: 'hello' }))).Tags).toEqual({ team: 'data' });
    expect((await c.send(new ListTagsCommand({ Resource: MAPPING_ARN }))).Tags).toEqual({ owner: 'me' });
  });
});
