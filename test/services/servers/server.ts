import type { ServerProcess } from '../proc.js';
import type { ServerName, ServersInfo } from '../types.js';

export interface StartContext {
  /** Per-run directory for the server's data, config and log. */
  dataDir: string;
  /** Outlive the current Node process (services:up). */
  background: boolean;
}

export interface ServerDef<N extends ServerName = ServerName> {
  name: N;
  /** Human name used in output. */
  title: string;
  /** Idempotent: download/install into the cache; fast no-op when already there. */
  install(): Promise<void>;
  /** Start on free loopback port(s) and resolve once a real request succeeds. */
  start(ctx: StartContext): Promise<{ info: NonNullable<ServersInfo[N]>; proc: ServerProcess }>;
  /** One real request; throws when the server does not answer. */
  probe(info: NonNullable<ServersInfo[N]>): Promise<void>;
}
