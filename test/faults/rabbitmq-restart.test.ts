// Groundwork for the RabbitMQ source (issue #16): the private node of private-rabbitmq.ts survives a crash the way
// a RabbitMQ deployment does. Messages published persistent to a durable queue and confirmed are still there
// after SIGKILL and a restart on the same port and data dir; transient ones are not (RabbitMQ's own semantics,
// so a scenario that expects "lost = 0" must publish persistent messages).
import { afterAll, expect, it } from 'vitest';
import type { ChannelModel, GetMessage } from 'amqplib';
import { makeAmqp } from '../services/clients.js';
import { uniqueName } from '../services/inject.js';
import { until } from './harness.js';
import { PrivateRabbitmq } from './private-rabbitmq.js';

let rabbit: PrivateRabbitmq | undefined;
const conns: ChannelModel[] = [];
afterAll(async () => {
  await Promise.allSettled(conns.map((c) => c.close()));
  await rabbit?.stop();
});

async function connect(url: string): Promise<ChannelModel> {
  const c = await makeAmqp(url);
  c.on('error', () => undefined); // the crash drops the connection; that is the point
  conns.push(c);
  return c;
}

it("private RabbitMQ: SIGKILL + restart on the same port and data dir keeps a durable queue's persistent messages", async () => {
  rabbit = await PrivateRabbitmq.start();
  const queue = uniqueName('faults-rabbit');
  const before = await (await connect(rabbit.url)).createConfirmChannel();
  before.on('error', () => undefined);
  await before.assertQueue(queue, { durable: true });
  const persistent = Array.from({ length: 50 }, (_, i) => `p${i}`);
  for (const id of persistent) before.sendToQueue(queue, Buffer.from(id), { persistent: true, messageId: id });
  for (let i = 0; i < 5; i++) before.sendToQueue(queue, Buffer.from(`t${i}`), { persistent: false });
  await before.waitForConfirms();
  expect((await before.checkQueue(queue)).messageCount).toBe(55);

  await rabbit.crash();
  const t0 = performance.now();
  await rabbit.up();
  const restartMs = Math.round(performance.now() - t0);

  // rabbitmqctl reaches the node through its own cookie and epmd (the private node is not the system's). The
  // AMQP listener can open before the durable queue has been recovered from disk (a CI run listed no queues at
  // once), so wait for the queue to be listed; its message count must then be exactly the persistent ones.
  const node = rabbit;
  const row = await until(
    async () => {
      const listed = await node.ctl('list_queues', '--quiet', '--no-table-headers', 'name', 'durable', 'messages');
      return listed
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .find((r) => r[0] === queue);
    },
    60_000,
    'durable queue recovered after restart',
  );
  expect(row).toEqual([queue, 'true', '50']);

  const after = await (await connect(rabbit.url)).createChannel();
  const got: GetMessage[] = [];
  for (let m = await after.get(queue, { noAck: true }); m; m = await after.get(queue, { noAck: true })) got.push(m);
  expect(got.map((m) => m.content.toString())).toEqual(persistent); // all, once, in publish order
  expect(got.map((m) => m.properties.messageId as string)).toEqual(persistent);
  process.stdout.write(`private RabbitMQ ready again ${restartMs} ms after SIGKILL (same port ${rabbit.ports.amqp})\n`);
}, 240_000);
