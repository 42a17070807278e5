// Scenario p: a RabbitMQ mapping under steady load on a PRIVATE RabbitMQ node (durable queue, persistent messages,
// publisher confirms). p1: the broker is SIGKILLed mid-run and started again on the same ports and data dir; the
// messages sluice held unacked go back to the queue and come again (redelivered). p2: sluice itself is SIGKILLed
// and restarted; the broker requeues what the dead connection held. Either way: lost 0, duplicates allowed.
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { afterAll, expect, it } from 'vitest';
import { makeAmqp } from '../services/clients.js';
import { uniqueName } from '../services/inject.js';
import { FAULT_FIXTURES, Sluice, audit, readRecords, recordLog, until, type AuditRow } from './harness.js';
import { PrivateRabbitmq } from './private-rabbitmq.js';
import { allHandled, handledAtLeast, startLoad } from './restart-kit.js';

const BROKER_ARN = 'arn:aws:mq:us-east-1:000000000000:broker:faults:b-00000000-0000-0000-0000-00000000000p';
let rabbit: PrivateRabbitmq | undefined;
let sluice: Sluice | undefined;
afterAll(async () => {
  await sluice?.stop();
  await rabbit?.stop();
});

/** A publisher that reconnects after the broker went and counts a message only once the broker confirmed it. */
function publisher(url: string, queue: string) {
  let conn: ChannelModel | undefined;
  let ch: Promise<ConfirmChannel> | undefined;
  const reset = () => {
    const c = conn;
    conn = undefined;
    ch = undefined;
    void c?.close().catch(() => undefined);
  };
  const channel = (): Promise<ConfirmChannel> =>
    (ch ??= (async () => {
      const c = await makeAmqp(url, { timeout: 2_000 });
      c.on('error', () => undefined);
      c.on('close', reset);
      conn = c;
      const confirm = await c.createConfirmChannel();
      confirm.on('error', () => undefined);
      return confirm;
    })().catch((err: unknown) => {
      reset();
      throw err;
    }));
  return {
    send: async (id: string) => {
      const confirm = await channel();
      await new Promise<void>((resolve, reject) =>
        confirm.sendToQueue(queue, Buffer.from(JSON.stringify({ id })), { persistent: true, messageId: id }, (err) =>
          err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(),
        ),
      ).catch((err: unknown) => {
        reset();
        throw err;
      });
    },
    close: () => reset(),
  };
}

async function scenario(fault: 'broker' | 'sluice'): Promise<AuditRow> {
  rabbit ??= await PrivateRabbitmq.start();
  const queue = uniqueName(`faults-rmq-${fault}`);
  const admin = await makeAmqp(rabbit.url);
  await (await admin.createChannel()).assertQueue(queue, { durable: true });
  await admin.close();
  const log = recordLog();
  sluice = await Sluice.start({
    connections: { rabbitmq: { type: 'rabbitmq', url: rabbit.url, heartbeatSeconds: 5 } },
    functions: {
      recorder: {
        Handler: 'handlers.recorder',
        CodeUri: FAULT_FIXTURES,
        Timeout: 5,
        Environment: { Variables: { FAULTS_LOG: log, FAULTS_WORK_MS: '100' } },
      },
    },
    eventSourceMappings: [{ FunctionName: 'recorder', EventSourceArn: BROKER_ARN, Queues: [queue], BatchSize: 10 }],
  });

  const pub = publisher(rabbit.url, queue);
  const load = startLoad({ count: 200, perSecond: 20, idPrefix: `${fault[0]}`, send: (id) => pub.send(id) });
  await handledAtLeast(log, 40);
  const killedPid = sluice.pid;
  let faultAtMs: number;
  if (fault === 'broker') {
    await rabbit.crash();
    await new Promise((r) => setTimeout(r, Number(process.env.FAULTS_BROKER_OUTAGE_MS ?? 5_000)));
    await rabbit.up();
    faultAtMs = Date.now();
  } else {
    faultAtMs = Date.now();
    await sluice.kill();
    await sluice.restart();
  }
  await load.done;
  pub.close();
  const settledAtMs = await allHandled(log, load.produced, 90_000);
  const row = audit({
    scenario:
      fault === 'broker'
        ? 'p1. RabbitMQ: broker SIGKILL + restart under load'
        : 'p2. RabbitMQ: SIGKILL sluice under load, restart',
    produced: load.produced,
    handled: readRecords(log),
    faultAtMs,
    killedPid: fault === 'sluice' ? killedPid : undefined,
    settledAtMs,
    note:
      fault === 'broker'
        ? `private RabbitMQ, durable queue, persistent + confirms; 20 msg/s; BatchSize 10; 5 s down + restart; ${load.retried()} sends retried while down; recovery from broker back up`
        : 'private RabbitMQ; 20 msg/s; BatchSize 10; the broker requeues what the killed connection held',
  });
  await until(async () => ((await fetch(`${sluice!.url}/readyz`)).status === 200 ? true : undefined), 30_000, 'ready');
  expect(await sluice.stop()).toBe(0);
  sluice = undefined;
  return row;
}

it('RMQ-16 / RMQ-23 broker SIGKILL and restart under load: every confirmed message handled (lost = 0)', async () => {
  const row = await scenario('broker');
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
}, 240_000);

it('RMQ-16 SIGKILL sluice under load, restart: every confirmed message handled (lost = 0)', async () => {
  const row = await scenario('sluice');
  expect(row.lostIds).toEqual([]);
  expect(row.lost).toBe(0);
}, 240_000);
