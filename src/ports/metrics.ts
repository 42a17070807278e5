// The metrics interface the core writes to. Names live in one catalogue (observability/catalogue.ts);
// the adapter there maps them onto prom-client. Labels are low-cardinality: never record ids.

export type Labels = Readonly<Record<string, string>>;

export interface Metrics {
  inc(name: string, labels?: Labels, value?: number): void;
  set(name: string, labels: Labels, value: number): void;
  observe(name: string, labels: Labels, value: number): void;
}

export const noopMetrics: Metrics = {
  inc() {},
  set() {},
  observe() {},
};
