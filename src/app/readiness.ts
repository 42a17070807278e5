// /readyz: ready once started, while not stopping, while the state store answers and every enabled mapping runs.
// The body names what is not ready (state store, mappings with their last error) so an operator need not grep logs.
import type { StateStore } from '../ports/state.js';
import { withTimeout } from './deadline.js';
import { redact, type MappingStatus } from './mapping-supervisor.js';

export interface ReadinessReport {
  ready: boolean;
  stateStore: 'ok' | 'not answering';
  stateStoreError?: string;
  /** Enabled mappings that are not running, with why. */
  mappingsNotRunning: MappingStatus[];
}

/** A probe waits at most this long for the state store (its commands time out later, at 5 s). */
const PING_TIMEOUT_MS = 2_000;

export function readinessProbe(o: {
  started: () => boolean;
  store: StateStore;
  mappings: () => MappingStatus[];
  pingTimeoutMs?: number;
}): () => Promise<ReadinessReport> {
  // Probes that arrive while a ping is out share it, so a hung store does not pile up pings.
  let inFlight: Promise<string | undefined> | undefined;
  const ping = (): Promise<string | undefined> =>
    (inFlight ??= withTimeout(o.store.ping(), o.pingTimeoutMs ?? PING_TIMEOUT_MS)
      .then(
        () => undefined,
        (err: unknown) => redact(err instanceof Error ? err.message : String(err)),
      )
      .finally(() => (inFlight = undefined)));

  return async () => {
    const storeError = await ping();
    const mappingsNotRunning = o.mappings().filter((m) => m.state !== 'running');
    const report: ReadinessReport = {
      ready: o.started() && storeError === undefined && mappingsNotRunning.length === 0,
      stateStore: storeError === undefined ? 'ok' : 'not answering',
      mappingsNotRunning,
    };
    if (storeError !== undefined) report.stateStoreError = storeError;
    return report;
  };
}
