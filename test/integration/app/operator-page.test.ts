// #21 item 5, the operator page in a real browser (Debian's Chromium through puppeteer-core): a real sluice with a
// Kinesis mapping (kinesalite) blocked by a poison record and bearer-token auth. The page shows the shard blocked;
// clicking skip puts the record in the on-failure destination and the shard moves on; pause and resume act on the
// shard; once the handler is fixed, the redrive form replays the skipped record from that destination. No Content-Security-Policy violation or script error happens on the way.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, expect, it } from 'vitest';
import type { App } from '../../../src/app/app.js';
import { UI_CSP } from '../../../src/http/routes/ui.js';
import { createStream } from '../kinesis/kinesalite.js';
import { closeClients, kinesisClient, uniqueName } from '../../services/inject.js';
import { handledLog, kinesisConnection, poisonableFn, startShardsApp } from './shard-kit.js';

afterAll(closeClients);

const CHROMIUM = process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium';
const TOKEN = `t-${randomUUID()}`;
/** SLUICE_UI_SCREENSHOT=docs/img/operator-page.png refreshes the README's picture. */
const SCREENSHOT =
  process.env.SLUICE_UI_SCREENSHOT ?? path.join(mkdtempSync(path.join(tmpdir(), 'sluice-ui-')), 'page.png');

async function rowState(page: Page, shard: string): Promise<string | null> {
  return page.$eval(`tr[data-shard="${shard}"]`, (e) => e.getAttribute('data-state')).catch(() => null);
}

it('#21 operator page: a blocked Kinesis shard is shown, skip sends the record to the on-failure destination and the shard moves on; pause/resume; redrive replays it; strict CSP, no inline script', async () => {
  const kinesis = kinesisClient();
  const stream = uniqueName('ui');
  await createStream(kinesis, stream, 1);
  const put = (id: string) =>
    kinesis.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: Buffer.from(JSON.stringify({ id })) }),
    );
  const { log, handled } = handledLog();
  const uuid = randomUUID();
  await put('ok0');
  await put('poison1');
  await put('ok2');
  const app: App = await startShardsApp({
    server: { port: 0, auth: { bearerTokens: [TOKEN] } },
    tuning: { streamPollIntervalMs: 100, throttleBackoffSeconds: { base: 1, max: 2 } },
    connections: { kinesis: kinesisConnection() },
    functions: {
      orders: poisonableFn(log),
    },
    eventSourceMappings: [
      {
        UUID: uuid,
        FunctionName: 'orders',
        EventSourceArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`,
        Connection: 'kinesis',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 1,
        MaximumRetryAttempts: -1,
        DestinationConfig: { OnFailure: { Destination: 'memory://queue/orders-failed' } },
      },
    ],
  });
  const base = `http://127.0.0.1:${app.address().port}`;
  let browser: Browser | undefined;
  try {
    // The page is static and public; its headers forbid inline script, foreign origins and framing.
    const shell = await fetch(`${base}/sluice/ui/`);
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-security-policy')).toBe(UI_CSP);
    expect(await shell.text()).not.toMatch(/<script>|<style>|\son\w+="/);
    // The API behind it is not: without the token the data is refused.
    expect((await fetch(`${base}/sluice/mappings/${uuid}/shards`)).status).toBe(403);

    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 640 });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${base}/sluice/ui/#token=${TOKEN}`);
    // The token moved to the tab's session storage and out of the address bar.
    await expect.poll(() => page.url()).toBe(`${base}/sluice/ui/`);

    const shard = 'shardId-000000000000';
    await expect.poll(() => rowState(page, shard), { timeout: 60_000, interval: 250 }).toBe('blocked');
    expect(handled()).toEqual(['ok0']);
    await expect
      .poll(() => page.$eval('#failures', (e) => e.textContent ?? ''), { timeout: 10_000 })
      .toContain('function error');
    await page.screenshot({ path: SCREENSHOT });

    await page.click(`tr[data-shard="${shard}"] button[data-action="skip"]`);
    await expect.poll(handled, { timeout: 30_000, interval: 200 }).toEqual(['ok0', 'ok2']);
    const parked = await fetch(`${base}/sluice/memory/queues/orders-failed/messages`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const failed = await parked.text();
    expect(failed).toContain('OperatorSkipped');
    expect(failed).toContain('bearer-token');
    await expect.poll(() => rowState(page, shard), { timeout: 30_000, interval: 250 }).not.toBe('blocked');

    await page.click(`tr[data-shard="${shard}"] button[data-action="pause"]`);
    await expect.poll(() => rowState(page, shard), { timeout: 30_000, interval: 250 }).toBe('paused');
    await put('ok3');
    await page.click(`tr[data-shard="${shard}"] button[data-action="resume"]`);
    await expect.poll(() => rowState(page, shard), { timeout: 30_000, interval: 250 }).not.toBe('paused');
    await expect.poll(handled, { timeout: 30_000, interval: 200 }).toEqual(['ok0', 'ok2', 'ok3']);

    // The bug is fixed: redrive the skipped record from the on-failure destination to the function.
    writeFileSync(`${log}.fixed`, '');
    await page.type('#redrive input[name="from"]', 'memory://queue/orders-failed');
    await page.type('#redrive input[name="to"]', 'orders');
    await page.click('#redrive button[data-action="redrive"]');
    await expect
      .poll(() => page.$eval('#redrive-progress', (e) => e.textContent ?? ''), { timeout: 30_000, interval: 250 })
      .toMatch(/"status": "done"[\s\S]*"replayed": 1/);
    expect(handled()).toEqual(['ok0', 'ok2', 'ok3', 'poison1']);
    expect(problems).toEqual([]);
  } finally {
    await browser?.close();
    await app.stop('test');
  }
});
