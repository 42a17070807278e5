// `--workers N`: the settings the Lambda API changes in one process's memory (PutFunctionConcurrency and
// Put/Update/DeleteFunctionEventInvokeConfig) reach every worker, whichever one the request landed on. The worker
// that took the request tells the primary, which passes it to the other workers and to any it starts later.
// (API-created functions and mappings, tags, checkpoints and the async queue are in the Redis state store.)
import cluster from 'node:cluster';
import type { Functions } from './functions.js';

export interface SharedSetting {
  sluice: 'share';
  kind: 'reserved' | 'event-invoke-config';
  name: string;
  /** null: the setting was deleted. */
  value: unknown;
}

export function isSharedSetting(m: unknown): m is SharedSetting {
  return typeof m === 'object' && m !== null && (m as { sluice?: unknown }).sluice === 'share';
}

/** Worker side: a local change is sent to the primary; a change from another worker is applied here. */
export function shareApiSettings(functions: Functions): void {
  if (!cluster.isWorker) return;
  const invoker = functions.invoker;
  const setReserved = invoker.setReservedConcurrency.bind(invoker);
  const setConfig = functions.setEventInvokeConfig.bind(functions);
  const send = (kind: SharedSetting['kind'], name: string, value: unknown) => {
    const m: SharedSetting = { sluice: 'share', kind, name, value: value ?? null };
    if (process.connected) process.send?.(m);
  };
  invoker.setReservedConcurrency = (name, value) => {
    setReserved(name, value);
    send('reserved', name, value);
  };
  functions.setEventInvokeConfig = (name, cfg) => {
    setConfig(name, cfg);
    send('event-invoke-config', name, cfg);
  };
  process.on('message', (m: unknown) => {
    if (!isSharedSetting(m)) return;
    try {
      if (m.kind === 'reserved') setReserved(m.name, m.value === null ? undefined : (m.value as number));
      else setConfig(m.name, m.value === null ? undefined : (m.value as Parameters<typeof setConfig>[1]));
    } catch {
      // A function this worker does not know (yet): an API-created one appears with its stored settings.
    }
  });
}
