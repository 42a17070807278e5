// GET /healthz (the process answers), /readyz (started, state store reachable, mappings running) and /metrics
// (Prometheus text). The server routes the first two before auth, so orchestrators probe without a token.
import type { ServerResponse } from 'node:http';
import { sendJson } from '../respond.js';

export interface ProbeDeps {
  metrics: { text(): Promise<string>; contentType: string };
  /** /readyz: 200 when `ready`, else 503; the report is the JSON body. */
  readiness(): Promise<{ ready: boolean }>;
}

export function healthz(res: ServerResponse): void {
  sendJson(res, 200, { status: 'ok' });
}

export async function readyz(deps: ProbeDeps, res: ServerResponse): Promise<void> {
  const report = await deps.readiness();
  sendJson(res, report.ready ? 200 : 503, report);
}

export async function metrics(deps: ProbeDeps, res: ServerResponse): Promise<void> {
  const text = await deps.metrics.text();
  res.writeHead(200, { 'Content-Type': deps.metrics.contentType }).end(text);
}
