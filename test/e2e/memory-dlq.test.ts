// The local loop of a poison message on the embedded broker: it fails, comes back after the queue's visibility
// timeout with a log line each time, moves to the queue's DLQ after maxReceiveCount receives as SQS would (SQS-15,
// the queue's RedrivePolicy), and the DLQ can be read over HTTP and with `sluice peek`. sluice's own log lines never
// repeat a key.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, runCli, startService, type Service } from './service.js';

let svc: Service;

beforeAll(async () => {
  svc = await startService({
    functions: {
      orders: { Handler: 'functions/orders.handler', CodeUri: path.resolve('config'), Timeout: 1 },
    },
    memoryQueues: {
      orders: {
        VisibilityTimeout: 1,
        RedrivePolicy: { deadLetterTargetArn: 'memory://queue/orders-dlq', maxReceiveCount: 2 },
      },
    },
    eventSourceMappings: [
      {
        FunctionName: 'orders',
        EventSourceArn: 'memory://queue/orders',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      },
    ],
  });
});
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
});

async function peek(what: string): Promise<{ status: number; body: Record<string, unknown[]> }> {
  const res = await fetch(`${svc.url}/sluice/memory/${what}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown[]> };
}

/** Keys repeated inside one JSON object of a line (JSON.parse would keep only the last). */
function repeatedKeys(line: string): string[] {
  const repeated: string[] = [];
  const objects: Set<string>[] = [];
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '{') objects.push(new Set());
    else if (c === '}') objects.pop();
    else if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      const key = line.slice(i + 1, j);
      const keys = objects.at(-1);
      if (line[j + 1] === ':' && keys !== undefined) {
        if (keys.has(key)) repeated.push(key);
        keys.add(key);
      }
      i = j;
    }
  }
  return repeated;
}

it("SQS-15 a poison message reaches the memory queue's DLQ after maxReceiveCount, with a log line per failure", async () => {
  const send = (body: string) =>
    fetch(`${svc.url}/sluice/memory/queues/orders/messages`, { method: 'POST', body }).then(
      async (r) => ((await r.json()) as { MessageId: string }).MessageId,
    );
  const good = await send('{"orderId":1}');
  const poison = await send('{"fail":true}');

  const moved = await svc.waitForLog(/moved to its dead-letter queue/, 30_000);
  expect(JSON.parse(moved)).toMatchObject({
    queue: 'orders',
    messageId: poison,
    receiveCount: 2,
    deadLetterQueue: 'orders-dlq',
  });
  const failures = svc.logs.filter((l) => l.includes('messages failed'));
  expect(failures).toHaveLength(2); // one per receive
  expect(JSON.parse(failures[0] ?? '{}')).toMatchObject({
    function: 'orders',
    cause: 'function',
    messageIds: [poison],
  });

  const dlq = await eventually(async () => {
    const p = await peek('queues/orders-dlq/messages');
    return p.body.Messages?.length === 1 ? p.body.Messages : undefined;
  });
  expect(dlq[0]).toMatchObject({ MessageId: poison, Body: '{"fail":true}', ReceiveCount: 0, Visible: true });
  expect((await peek('queues/orders/messages')).body.Messages).toEqual([]);
  expect(svc.logs.some((l) => l.includes(good) && l.startsWith('[orders] '))).toBe(true); // handler output named

  const cli = await runCli(['peek', 'memory://queue/orders-dlq', '--url', svc.url]);
  expect(cli.code).toBe(0);
  expect(JSON.parse(cli.stdout)).toMatchObject({ Messages: [{ MessageId: poison }] });
  expect((await peek('queues/nope/messages')).status).toBe(404);
  expect((await runCli(['peek', 'sqs://x'])).code).toBe(2);

  for (const line of svc.logs.filter((l) => l.startsWith('{"level"'))) expect(repeatedKeys(line), line).toEqual([]);
});

it("a memory stream's last records can be read without consuming them", async () => {
  await fetch(`${svc.url}/sluice/memory/streams/clicks/records?partitionKey=u1`, { method: 'POST', body: 'hi' });
  await fetch(`${svc.url}/sluice/memory/streams/clicks/records?partitionKey=u1`, {
    method: 'POST',
    body: Buffer.from([0xff, 0x00]),
  });
  const { body } = await peek('streams/clicks/records?limit=5');
  expect(body.Records).toMatchObject([{ PartitionKey: 'u1', Data: 'hi' }, { DataBase64: '/wA=' }]);
});
