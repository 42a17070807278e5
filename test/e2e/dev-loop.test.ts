// The dev loop (#18 item 3) on the built service: `sluice start --watch` answers with edited handler code without a
// restart while an invocation started before the edit finishes on the old code; SIGHUP applies a changed config
// (a mapping added, another removed), refuses an invalid one and keeps the running config, and drains a changed
// mapping so that no message of a memory queue is lost or received twice.
import { appendFile, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { eventually, MAIN, startService, type Service } from './service.js';

let svc: Service | undefined;
afterEach(async () => {
  if (svc !== undefined) expect(await svc.stop()).toBe(0);
  svc = undefined;
});

const handlerCode = (version: number) => `import { writeFileSync } from 'node:fs';
export const handler = async (event) => {
  if (event.started) writeFileSync(event.started, '');
  if (event.waitMs) await new Promise((r) => setTimeout(r, event.waitMs));
  return { version: ${version} };
};
`;

/** Records each message body or stream record's data on a line of `log` (the drain tests count them). */
const recordingHandler = (log: string) => `import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  await new Promise((r) => setTimeout(r, 50));
  for (const r of event.Records) {
    const text = r.kinesis ? Buffer.from(r.kinesis.data, 'base64').toString() : r.body;
    appendFileSync(${JSON.stringify(log)}, text + '\\n');
  }
  return { batchItemFailures: [] };
};
`;

const envHandler = `export const handler = async () => ({ greeting: process.env.GREETING });
`;

async function receivedLines(log: string, count: number): Promise<string[]> {
  return eventually(async () => {
    const lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    return lines.length >= count ? lines : undefined;
  }, 30_000);
}

async function invoke(url: string, name: string, event: object): Promise<unknown> {
  const res = await fetch(`${url}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST',
    body: JSON.stringify(event),
  });
  expect(res.status).toBe(200);
  return res.json();
}

async function send(url: string, queue: string, body: string): Promise<void> {
  const res = await fetch(`${url}/sluice/memory/queues/${queue}/messages`, { method: 'POST', body });
  expect(res.status).toBeLessThan(300);
}

async function held(url: string, queue: string): Promise<number> {
  const res = await fetch(`${url}/sluice/memory/queues/${queue}/messages`);
  if (res.status === 404) return 0;
  const body = (await res.json()) as { Messages: unknown[] };
  return body.Messages.length;
}

/** Replaces the config file the way editors do (write aside, rename over). */
async function rewrite(file: string, config: object): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(config));
  await rename(`${file}.tmp`, file);
}

async function codeDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'sluice-dev-loop-'));
}

it('DEV-watch: an edited handler answers without a restart; an invocation started before finishes on the old code', async () => {
  const dir = await codeDir();
  await writeFile(path.join(dir, 'app.mjs'), handlerCode(1));
  const s = (svc = await startService({ functions: { fn: { Handler: 'app.handler', CodeUri: dir } } }, ['--watch']));
  await s.waitForLog(/watching for changes/);
  expect(await invoke(s.url, 'fn', {})).toEqual({ version: 1 });

  // The edit comes once the slow invocation runs in its environment (it writes `started`).
  const started = path.join(dir, '.started');
  const inFlight = invoke(s.url, 'fn', { waitMs: 1_500, started });
  await eventually(() =>
    readFile(started).then(
      () => true,
      () => undefined,
    ),
  );
  await writeFile(path.join(dir, 'app.mjs'), handlerCode(2));
  await s.waitForLog(/handler code changed/);
  expect(await invoke(s.url, 'fn', {})).toEqual({ version: 2 });
  expect(await inFlight).toEqual({ version: 1 });

  // node_modules and dotfiles are not code changes.
  const reloads = () => s.logs.filter((l) => l.includes('handler code changed')).length;
  const before = reloads();
  await writeFile(path.join(dir, '.notes'), 'x');
  await appendFile(path.join(dir, 'app.mjs'), '// touched\n');
  await eventually(() => Promise.resolve(reloads() > before ? true : undefined));
  expect(reloads()).toBe(before + 1);
});

it('DEV-reload: SIGHUP adds a memory-queue mapping and removes another; an invalid config is refused and the old one keeps running', async () => {
  const dir = await codeDir();
  await writeFile(path.join(dir, 'app.mjs'), handlerCode(1));
  const base = { server: { port: 0 }, functions: { fn: { Handler: 'app.handler', CodeUri: dir } } };
  const first = { ...base, eventSourceMappings: [{ FunctionName: 'fn', EventSourceArn: 'memory://queue/alpha' }] };
  const s = (svc = await startService(first));
  await send(s.url, 'alpha', 'a1');
  await eventually(async () => ((await held(s.url, 'alpha')) === 0 ? true : undefined));

  // Keep the port: a changed server section would need a restart.
  const port = Number(new URL(s.url).port);
  const second = {
    ...base,
    server: { port },
    eventSourceMappings: [{ FunctionName: 'fn', EventSourceArn: 'memory://queue/beta' }],
  };
  await rewrite(s.file, second);
  s.child.kill('SIGHUP');
  await s.waitForLog(/config reloaded/);
  expect(s.logs.some((l) => l.includes('mapping added') && l.includes('memory://queue/beta'))).toBe(true);
  expect(s.logs.some((l) => l.includes('mapping removed'))).toBe(true);
  expect(s.logs.some((l) => l.includes('needs a restart') && l.includes('"server"'))).toBe(true);
  await send(s.url, 'beta', 'b1');
  await eventually(async () => ((await held(s.url, 'beta')) === 0 ? true : undefined));
  await send(s.url, 'alpha', 'a2');
  await new Promise((r) => setTimeout(r, 1_000));
  expect(await held(s.url, 'alpha')).toBe(1);

  // Two problems, each logged with where it is in the file.
  await writeFile(s.file, '{"functions": {"fn": {"Handler": 42}, "other": {"Handler": "app.handler", "Timeout": 0}}}');
  s.child.kill('SIGHUP');
  await s.waitForLog(/config reload refused/);
  const problems = s.logs.filter((l) => l.includes('"level":50') && l.includes('"line":'));
  expect(problems, s.logs.slice(-4).join('\n')).toHaveLength(2);
  expect(s.child.exitCode).toBeNull();
  await send(s.url, 'beta', 'b2');
  await eventually(async () => ((await held(s.url, 'beta')) === 0 ? true : undefined));
  expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
});

it('DEV-drain: SIGHUP restarts a changed mapping after its in-flight batches finish; no message is lost or received twice', async () => {
  const dir = await codeDir();
  const log = path.join(dir, 'received.log');
  await writeFile(log, '');
  await writeFile(path.join(dir, 'app.mjs'), recordingHandler(log));
  const config = (batchSize: number, port = 0) => ({
    server: { port },
    functions: { fn: { Handler: 'app.handler', CodeUri: dir } },
    // Far longer than the test: a message received by a batch that did not finish would not come back in time.
    memoryQueues: { work: { VisibilityTimeout: 120 } },
    eventSourceMappings: [{ FunctionName: 'fn', EventSourceArn: 'memory://queue/work', BatchSize: batchSize }],
  });
  const s = (svc = await startService(config(2)));
  const ids = Array.from({ length: 60 }, (_, i) => `m${i}`);
  for (const id of ids.slice(0, 30)) await send(s.url, 'work', id);
  await rewrite(s.file, config(5, Number(new URL(s.url).port)));
  s.child.kill('SIGHUP');
  for (const id of ids.slice(30)) await send(s.url, 'work', id);
  await s.waitForLog(/mapping changed/);
  const received = await receivedLines(log, ids.length);
  expect([...received].sort()).toEqual([...ids].sort());
  expect(await held(s.url, 'work')).toBe(0);
});

it('DEV-watch: a changed config file is applied under --watch: a function added, another changed, without a restart', async () => {
  const dir = await codeDir();
  await writeFile(path.join(dir, 'app.mjs'), handlerCode(1));
  await writeFile(path.join(dir, 'env.mjs'), envHandler);
  const fns = (greeting: string, reserved?: number) => ({
    fn: { Handler: 'app.handler', CodeUri: dir },
    greet: {
      Handler: 'env.handler',
      CodeUri: dir,
      Environment: { Variables: { GREETING: greeting } },
      ...(reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved }),
    },
  });
  const s = (svc = await startService({ functions: { fn: fns('hello').fn } }, ['--watch']));
  await s.waitForLog(/watching for changes/);
  const port = Number(new URL(s.url).port);
  await rewrite(s.file, { server: { port }, functions: fns('hello') });
  await s.waitForLog(/function added/);
  expect(await invoke(s.url, 'greet', {})).toEqual({ greeting: 'hello' });
  await rewrite(s.file, { server: { port }, functions: fns('bonjour', 3) });
  await s.waitForLog(/function changed/);
  expect(await invoke(s.url, 'greet', {})).toEqual({ greeting: 'bonjour' });
  const concurrency = await fetch(`${s.url}/2019-09-30/functions/greet/concurrency`);
  expect(await concurrency.json()).toEqual({ ReservedConcurrentExecutions: 3 });
  expect(await invoke(s.url, 'fn', {})).toEqual({ version: 1 });
});

it('DEV-reload: a changed stream mapping keeps its UUID and its positions: nothing is read twice after SIGHUP', async () => {
  const dir = await codeDir();
  const log = path.join(dir, 'received.log');
  await writeFile(log, '');
  await writeFile(path.join(dir, 'app.mjs'), recordingHandler(log));
  const config = (batchSize: number, port = 0) => ({
    server: { port },
    functions: { fn: { Handler: 'app.handler', CodeUri: dir } },
    eventSourceMappings: [
      {
        FunctionName: 'fn',
        EventSourceArn: 'memory://stream/ticks',
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: batchSize,
      },
    ],
  });
  const s = (svc = await startService(config(2)));
  const put = async (data: string) => {
    const res = await fetch(`${s.url}/sluice/memory/streams/ticks/records?partitionKey=k`, {
      method: 'POST',
      body: data,
    });
    expect(res.status).toBe(200);
  };
  const uuids = async () => {
    const res = await fetch(`${s.url}/2015-03-31/event-source-mappings/`);
    const body = (await res.json()) as { EventSourceMappings: Array<{ UUID: string; BatchSize: number }> };
    return body.EventSourceMappings.map((m) => `${m.UUID}:${m.BatchSize}`);
  };
  const [before] = await uuids();
  for (let i = 0; i < 10; i++) await put(`r${i}`);
  await receivedLines(log, 10);

  await rewrite(s.file, config(5, Number(new URL(s.url).port)));
  s.child.kill('SIGHUP');
  await s.waitForLog(/mapping changed/);
  expect(await uuids()).toEqual([before?.replace(/:2$/, ':5')]);
  for (let i = 10; i < 20; i++) await put(`r${i}`);
  const received = await receivedLines(log, 20);
  // A restart from TRIM_HORIZON would read r0..r9 again; give it the time to show.
  await new Promise((r) => setTimeout(r, 1_000));
  expect((await readFile(log, 'utf8')).split('\n').filter(Boolean)).toEqual(received);
  expect(received).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`));
});

const samTemplate = (greeting: string) => `Transform: AWS::Serverless-2016-10-31
Resources:
  Greet:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      CodeUri: .
      Handler: env.handler
      Environment:
        Variables:
          GREETING: ${greeting}
`;

it('DEV-watch: start --template --watch applies an edited template (imported again in memory)', async () => {
  const dir = await codeDir();
  const template = path.join(dir, 'template.yaml');
  await writeFile(path.join(dir, 'env.mjs'), envHandler);
  await writeFile(template, samTemplate('hello'));
  const child = spawn(process.execPath, [MAIN, 'start', '--template', template, '--port', '0', '--watch'], {
    env: { ...process.env, SLUICE_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const logs: string[] = [];
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (l) => logs.push(l));
  const logged = (text: string) =>
    eventually(() => Promise.resolve(logs.find((l) => l.includes(text))), 20_000).catch(() => {
      throw new Error(`no "${text}" in:\n${logs.join('\n')}`);
    });
  try {
    const { port } = JSON.parse(await logged('Invoke API listening')) as { port: number };
    await logged('watching for changes');
    const url = `http://127.0.0.1:${port}`;
    expect(await invoke(url, 'Greet', {})).toEqual({ greeting: 'hello' });
    await writeFile(template, samTemplate('bonjour'));
    await logged('function changed');
    expect(await invoke(url, 'Greet', {})).toEqual({ greeting: 'bonjour' });
    // The template lives in the function's code directory: its change is a config change, not a code reload.
    expect(logs.some((l) => l.includes('handler code changed'))).toBe(false);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
});
