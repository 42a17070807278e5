// A Redis Streams mapping run by the built service (npm run build first).
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../e2e/service.js';
import { closeClients, redis, servers, uniqueName } from '../../services/inject.js';

let svc: Service | undefined;
afterAll(async () => {
  expect(await svc?.stop()).toBe(0);
  await closeClients();
});

describe('Redis Streams mapping through the service', () => {
  it('delivers every entry of a stream key, in order', async () => {
    const key = uniqueName('rs');
    const client = redis();
    for (let i = 0; i < 5; i++) await client.xadd(key, '*', 'n', String(i));
    svc = await startService({
      connections: { redis: { type: 'redis', url: servers().redis.url } },
      functions: { r: { Handler: 'handlers.redis', CodeUri: path.resolve('test/fixtures/service') } },
      eventSourceMappings: [
        { FunctionName: 'r', EventSourceArn: `redis://${key}`, Connection: 'redis', StartingPosition: 'TRIM_HORIZON' },
      ],
    });
    for (let i = 0; i < 5; i++) await svc.waitForLog(new RegExp(`REDIS \\S+ .*"n":"${i}"`), 30_000);
  });
});
