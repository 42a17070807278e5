// Groundwork for the RabbitMQ source (issue #16): the private node of private-rabbitmq.ts survives a crash the way
// a RabbitMQ deployment does. Messages published persistent to a durable queue and confirmed are still there
// after SIGKILL and a restart on the same port and data dir; transient ones are not (RabbitMQ's own semantics,
// so a scenario that expects "lost = 0" must publish persistent messages).
import { readFileSync } from 'node:fs';
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

/** On failure, adds what the node logged about its database and queue recovery, so a CI failure says why. */
async function withBrokerLog<T>(node: PrivateRabbitmq, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const log = node.logFile === undefined ? '' : readFileSync(node.logFile, 'utf8');
    const lines = log.split('\n').filter((l) => /Recovering|database dir|is empty|Starting RabbitMQ|error/i.test(l));
    throw new Error(
      `${(e as Error).message}\nbroker log (${node.logFile ?? 'none'}):\n${lines.slice(-20).join('\n')}`,
      { cause: e },
    );
  }
}

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

  // A queue's definition lives in Mnesia, whose transaction log is written behind the AMQP reply: a SIGKILL in the
  // first moments after declaring can lose the definition itself (the broker then logs "Recovering 0 queues"; seen
  // under load in CI), which is not the durability this test is about. Dumping Mnesia's log first puts the
  // definition on disk the way a broker that has been running for a while has it.
  await rabbit.ctl('eval', 'mnesia:dump_log().');
  await rabbit.crash();
  const t0 = performance.now();
  await rabbit.up();
  const restartMs = Math.round(performance.now() - t0);

  // Asked over AMQP, the broker's own client protocol: the listener can open before the durable queue has been
  // recovered from disk, so a passive declare is retried until the queue is back (rabbitmqctl list_queues was used
  // here and listed no queue in two CI runs, once for a whole minute). Surviving the crash is
  // the durability; its count must be exactly the persistent messages.
  const conn = await connect(rabbit.url);
  const recovered = await withBrokerLog(rabbit, () =>
    until(
      async () => {
        const ch = await conn.createChannel();
        ch.on('error', () => undefined); // a 404 (not recovered yet) closes the channel; try again on a new one
        try {
          return await ch.checkQueue(queue);
        } catch {
          return undefined;
        }
      },
      60_000,
      'durable queue recovered after restart',
    ),
  );
  expect(recovered.messageCount).toBe(50);

  const after = await conn.createChannel();
  const got: GetMessage[] = [];
  for (let m = await after.get(queue, { noAck: true }); m; m = await after.get(queue, { noAck: true })) got.push(m);
  expect(got.map((m) => m.content.toString())).toEqual(persistent); // all, once, in publish order
  expect(got.map((m) => m.properties.messageId as string)).toEqual(persistent);
  process.stdout.write(`private RabbitMQ ready again ${restartMs} ms after SIGKILL (same port ${rabbit.ports.amqp})\n`);
}, 240_000);
