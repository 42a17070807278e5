// The info gauges: value 1, the facts in their labels (join on them in PromQL). One call per owner.
import type { Metrics } from '../ports/metrics.js';
import { sluiceVersion } from './version.js';

export function setBuildInfo(metrics: Metrics): void {
  metrics.set('sluice_build_info', { version: sluiceVersion(), node_version: process.versions.node }, 1);
}

export interface MappingIdentity {
  uuid: string;
  functionName: string;
  eventSourceArn: string;
}

/** Call on every state change of a mapping: the series exists only while the mapping runs. */
export function setMappingInfo(metrics: Metrics, m: MappingIdentity, running: boolean): void {
  const labels = { mapping: m.uuid, function: m.functionName, event_source_arn: m.eventSourceArn };
  if (running) metrics.set('sluice_mapping_info', labels, 1);
  else metrics.remove?.('sluice_mapping_info', labels);
}
