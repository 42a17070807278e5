// Fault-injection harness: the BUILT service as a child process that can be SIGKILLed and restarted with the
// same config (same port), a record log written by the handler fixtures, and the audit every scenario ends with.
import { appendFileSync, mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { runCli, startService, writeConfig, type Service } from '../e2e/service.js';

export const FAULT_FIXTURES = path.resolve('test/fixtures/faults');
export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';
export const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A fresh file for the handler fixtures to append `<id> <ms> <pid>` lines to. */
export function recordLog(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'sluice-faults-')), 'records.log');
}

export interface HandledLine {
  id: string;
  atMs: number;
  pid: number;
}

export function readRecords(file: string): HandledLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [id = '', at = '0', pid = '0'] = l.split(' ');
      return { id, atMs: Number(at), pid: Number(pid) };
    });
}

/** The service at a fixed port, so producers keep their URL across SIGKILL and restart. */
export class Sluice {
  private current: Service | undefined;
  private constructor(
    private readonly config: object,
    readonly port: number,
  ) {}

  static async start(config: { server?: object } & Record<string, unknown>): Promise<Sluice> {
    const port = await freePort();
    const s = new Sluice({ ...config, server: { ...(config.server ?? {}), port } }, port);
    await s.restart();
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get pid(): number {
    return this.service.child.pid ?? -1;
  }
  get service(): Service {
    if (this.current === undefined) throw new Error('sluice is not running');
    return this.current;
  }

  async restart(): Promise<void> {
    this.current = await startService(this.config);
  }

  /** SIGKILL: no drain, no checkpoint flush, no claim release. */
  async kill(): Promise<void> {
    const child = this.service.child;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.current = undefined;
  }

  /**
   * SIGTERM and wait for the exit. A service that is still running `timeoutMs` later is a hang: its last log
   * lines are printed, it is SIGKILLed, and stop() throws.
   */
  async stop(timeoutMs = 60_000): Promise<number | null> {
    const svc = this.current;
    if (svc === undefined) return null;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const code = await Promise.race([svc.stop(), timedOut]);
    clearTimeout(timer);
    // FAULTS_SLUICE_LOGS=dir keeps every stopped service's log lines, to see what a slow recovery waited on.
    const keep = process.env.FAULTS_SLUICE_LOGS;
    if (keep) appendFileSync(path.join(keep, `sluice-${this.port}.log`), `${svc.logs.join('\n')}\n`);
    if (code === 'timeout') {
      process.stdout.write(
        `\nsluice did not exit ${timeoutMs} ms after SIGTERM; last logs:\n${svc.logs.slice(-40).join('\n')}\n`,
      );
      await this.kill();
      throw new Error(`sluice did not exit within ${timeoutMs} ms of SIGTERM`);
    }
    this.current = undefined;
    // main.ts names what kept a stopped service alive (a leaked socket or timer) before it exits anyway.
    const leak = svc.logs.find((l) => l.includes('after the command finished'));
    if (leak !== undefined) process.stdout.write(`\n${leak}\n`);
    return code;
  }
}

/**
 * Whether this build's config accepts `tuning[key]` (another branch may add it); lets a scenario use a
 * faster setting when present without failing on builds that do not have it.
 */
export async function tuningSupported(key: string, value: unknown): Promise<boolean> {
  const file = await writeConfig({ tuning: { [key]: value } });
  return (await runCli(['validate', '--config', file])).code === 0;
}

// ---- SQS helpers (queues on the shared ElasticMQ) ----

export interface Queue {
  name: string;
  url: string;
  arn: string;
}

export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}) {
  const r = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return { name, url: r.QueueUrl!, arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}` } satisfies Queue;
}

/** Visible + in-flight messages (ElasticMQ keeps these exact). */
export async function queueDepth(sqs: SQSClient, q: Queue): Promise<number> {
  const r = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: q.url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const a = r.Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** Receives and deletes everything currently visible; returns the bodies. */
/**
 * Receives and deletes until the queue is empty. `onBody` sees each body as it is received, before its delete:
 * a drain that fails half-way (the broker crashed) must not forget what it already took off the queue.
 */
export async function drainQueue(sqs: SQSClient, q: Queue, onBody?: (body: string) => void): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const r = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const msgs = r.Messages ?? [];
    if (msgs.length === 0) return bodies;
    for (const m of msgs) {
      bodies.push(m.Body ?? '');
      onBody?.(m.Body ?? '');
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: q.url,
        Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

export function sqsConnections(endpoint: string, extra: Record<string, object> = {}) {
  return { sqs: { type: 'sqs', endpoint, region: REGION, credentials: CREDENTIALS }, ...extra };
}

// ---- load ----

/** Calls `send(i)` at `perSecond` for `durationMs` (or until `count`), without waiting for slow sends. */
export async function steadyLoad(perSecond: number, count: number, send: (i: number) => Promise<void>): Promise<void> {
  const started = Date.now();
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(i));
  }
  await Promise.all(pending);
}

export async function until<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ---- audit ----

export interface AuditInput {
  scenario: string;
  produced: Iterable<string>;
  handled: HandledLine[];
  /** Ids the source dropped on purpose (filtered out). */
  filtered?: Iterable<string>;
  /** Ids found in the on-failure destination (DLQ, OnFailure, failure-record ranges). */
  inDestination?: Iterable<string>;
  /** What counts as processed when it is not "handled" (async: delivered to OnSuccess). */
  processedIds?: Iterable<string>;
  /** When the fault was injected, and the pid that was killed (recovery = first record handled after it by another pid). */
  faultAtMs?: number;
  killedPid?: number;
  /** When the audit condition was first met: settled = this − faultAtMs (or − startedAtMs). */
  settledAtMs?: number;
  /** For scenarios without one fault moment: when the faulty input started. */
  startedAtMs?: number;
  /** Free text for the notes column. */
  note?: string;
}

export interface AuditRow {
  scenario: string;
  produced: number;
  processed: number;
  filtered: number;
  inDestination: number;
  lost: number;
  duplicated: number;
  recoveryS: string;
  settleS: string;
  lostIds: string[];
  note: string;
}

export function audit(input: AuditInput): AuditRow {
  const produced = new Set(input.produced);
  const counts = new Map<string, number>();
  for (const h of input.handled) counts.set(h.id, (counts.get(h.id) ?? 0) + 1);
  const processed = new Set([...(input.processedIds ?? counts.keys())].filter((id) => produced.has(id)));
  const filtered = new Set([...(input.filtered ?? [])].filter((id) => produced.has(id) && !processed.has(id)));
  const dest = new Set([...(input.inDestination ?? [])].filter((id) => produced.has(id)));
  const lostIds = [...produced].filter((id) => !processed.has(id) && !filtered.has(id) && !dest.has(id));
  let duplicated = 0;
  for (const [id, n] of counts) if (produced.has(id) && n > 1) duplicated += n - 1;
  let recoveryS = 'n/a';
  if (input.faultAtMs !== undefined) {
    const after = input.handled.filter(
      (h) => h.atMs >= input.faultAtMs! && (input.killedPid === undefined || h.pid !== input.killedPid),
    );
    const first = Math.min(...after.map((h) => h.atMs));
    recoveryS = Number.isFinite(first) ? ((first - input.faultAtMs) / 1000).toFixed(1) : 'none';
  }
  const from = input.faultAtMs ?? input.startedAtMs;
  const settleS =
    input.settledAtMs === undefined || from === undefined ? 'n/a' : ((input.settledAtMs - from) / 1000).toFixed(1);
  const row: AuditRow = {
    scenario: input.scenario,
    produced: produced.size,
    processed: processed.size,
    filtered: filtered.size,
    inDestination: dest.size,
    lost: lostIds.length,
    duplicated,
    recoveryS,
    settleS,
    lostIds: lostIds.slice(0, 20),
    note: input.note ?? '',
  };
  report(row);
  return row;
}

const COLUMNS: Array<[keyof AuditRow, string]> = [
  ['scenario', 'scenario'],
  ['produced', 'produced'],
  ['processed', 'processed'],
  ['filtered', 'filtered'],
  ['inDestination', 'in-destination'],
  ['lost', 'lost'],
  ['duplicated', 'duplicated'],
  ['recoveryS', 'recovery (s)'],
  ['settleS', 'settled (s)'],
  ['note', 'notes'],
];

export function formatTable(rows: AuditRow[]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(COLUMNS.map(([, h]) => h)),
    line(COLUMNS.map(() => '---')),
    ...rows.map((r) => line(COLUMNS.map(([k]) => String(r[k])))),
  ].join('\n');
}

/** Prints the row and appends it for the end-of-run table (see global-setup.ts). */
function report(row: AuditRow): void {
  process.stdout.write(`\nfaults audit\n${formatTable([row])}\n`);
  const file = process.env.SLUICE_FAULTS_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
}
