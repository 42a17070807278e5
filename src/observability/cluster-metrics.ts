// One /metrics for `sluice start --workers N`. Any worker may get the scrape (the processes share one port),
// so it asks the primary, which collects every worker's metrics over IPC, adds its own (worker count and
// restarts) and merges them with prom-client's aggregator: counters and histograms summed, gauges by their
// catalogue `merge` (sum unless every process sees the same value).
import type { Worker } from 'node:cluster';
import client from 'prom-client';
import type { PrometheusMetrics } from './prometheus.js';

/** How long the primary waits for one worker's metrics; a worker that is restarting is left out. */
const DUMP_TIMEOUT_MS = 2_000;
/** A scrape fails (500) rather than showing one process's numbers as if they were all. */
const MERGE_TIMEOUT_MS = 5_000;

type Dump = Awaited<ReturnType<client.Registry['getMetricsAsJSON']>>;

type Message =
  | { sluice: 'metrics-dump'; id: number; metrics?: Dump }
  | { sluice: 'metrics-merge'; id: number }
  | { sluice: 'metrics-merged'; id: number; text?: string; error?: string };

function isMessage(m: unknown): m is Message {
  return typeof m === 'object' && m !== null && typeof (m as { sluice?: unknown }).sluice === 'string';
}

let nextId = 1;

/** Sends `request` and resolves with the first message that `match`es, or rejects after `timeoutMs`. */
function ask<T>(
  target: NodeJS.EventEmitter,
  send: (m: Message) => void,
  request: Message,
  match: (m: Message) => T | undefined,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      target.off('message', onMessage);
      reject(new Error(`no answer to ${request.sluice} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: unknown) => {
      if (!isMessage(m) || m.id !== request.id) return;
      const hit = match(m);
      if (hit === undefined) return;
      clearTimeout(timer);
      target.off('message', onMessage);
      resolve(hit);
    };
    target.on('message', onMessage);
    send(request);
  });
}

/** Worker side: answers the primary's collection requests and serves the merged text at /metrics. */
export function serveWorkerMetrics(metrics: PrometheusMetrics): void {
  const send = (m: Message) => process.send?.(m);
  process.on('message', (m: unknown) => {
    if (!isMessage(m) || m.sluice !== 'metrics-dump') return;
    void metrics.registry.getMetricsAsJSON().then((json) => send({ sluice: 'metrics-dump', id: m.id, metrics: json }));
  });
  metrics.text = async () => {
    const answer = await ask(
      process,
      send,
      { sluice: 'metrics-merge', id: nextId++ },
      (m) => (m.sluice === 'metrics-merged' ? m : undefined),
      MERGE_TIMEOUT_MS,
    );
    if (answer.text === undefined) throw new Error(answer.error ?? 'metrics merge failed');
    return answer.text;
  };
}

/** Primary side: the merged text of its own registry and every worker that answers in time. */
export async function mergedMetrics(own: PrometheusMetrics, workers: readonly Worker[]): Promise<string> {
  const dumps = await Promise.all(
    workers
      .filter((w) => w.isConnected())
      .map((w) =>
        ask(
          w,
          (m) => w.send(m),
          { sluice: 'metrics-dump', id: nextId++ },
          (m) => (m.sluice === 'metrics-dump' ? (m.metrics ?? []) : undefined),
          DUMP_TIMEOUT_MS,
        ).catch(() => undefined),
      ),
  );
  const all = [await own.registry.getMetricsAsJSON(), ...dumps.filter((d) => d !== undefined)];
  return client.AggregatorRegistry.aggregate(all).metrics();
}

/** Primary side: answers a worker's scrape with the merged text. */
export function answerMergeRequests(worker: Worker, merged: () => Promise<string>): void {
  worker.on('message', (m: unknown) => {
    if (!isMessage(m) || m.sluice !== 'metrics-merge') return;
    merged().then(
      (text) => worker.isConnected() && worker.send({ sluice: 'metrics-merged', id: m.id, text }),
      (err: unknown) => worker.isConnected() && worker.send({ sluice: 'metrics-merged', id: m.id, error: String(err) }),
    );
  });
}
