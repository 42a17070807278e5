// Provisioned mode and the per-mapping settings tied to it (spec 2025 §2, §6): ProvisionedPollerConfig with each
// source's ranges (PRV-1..6), LoggingConfig (MET-9) and MetricsConfig groups (MET-1/MET-2), refused where the
// source has no such thing (DA-5). The source's rules come from its connector (SourceRules.provisioned).
import type { SourceRules } from '../ports/connector.js';
import type { ParsedMapping } from './schema.js';
import type { Problem } from './problems.js';

/** Provisioned mode of a compiled mapping: the poller bounds with their defaults filled in (DA-15). */
export interface ProvisionedPollers {
  minimumPollers: number;
  maximumPollers: number;
  pollerGroupName?: string;
}

export type SystemLogLevel = 'DEBUG' | 'INFO' | 'WARN';

/**
 * The mapping's provisioned mode (undefined: off, also for `{}`, PRV-5) and its SystemLogLevel; the problems go to
 * `problems` under `at`.
 */
export function compileProvisioned(
  m: ParsedMapping,
  rules: SourceRules,
  kind: string,
  at: string,
  problems: Problem[],
): { provisioned?: ProvisionedPollers; systemLogLevel?: SystemLogLevel } {
  const before = problems.length;
  const bad = (field: string, message: string) => problems.push({ path: `${at}.${field}`, message });
  const c = m.ProvisionedPollerConfig;
  const on = c !== undefined && Object.keys(c).length > 0;
  const p = rules.provisioned;
  // PRV-6 / P-9 (ESMAPI-14): the concurrency ceiling is set through MaximumPollers in provisioned mode.
  if (m.ScalingConfig !== undefined && on) bad('ProvisionedPollerConfig', 'cannot be set together with ScalingConfig');
  if (c !== undefined && p === undefined)
    bad('ProvisionedPollerConfig', `not supported for ${kind} sources (provisioned mode is for SQS and Kafka)`);
  let provisioned: ProvisionedPollers | undefined;
  if (on && p !== undefined) {
    const min = c.MinimumPollers ?? p.minimumPollers.default;
    const max = c.MaximumPollers ?? p.maximumPollers.default;
    const range = (field: string, v: number, r: { min: number; max: number }) => {
      if (v < r.min || v > r.max)
        bad(`ProvisionedPollerConfig.${field}`, `must be between ${r.min} and ${r.max} for ${kind} sources`);
    };
    range('MinimumPollers', min, p.minimumPollers);
    range('MaximumPollers', max, p.maximumPollers);
    if (min > max) bad('ProvisionedPollerConfig', 'MinimumPollers must not exceed MaximumPollers');
    if (c.PollerGroupName !== undefined && !p.pollerGroups)
      bad('ProvisionedPollerConfig.PollerGroupName', `not supported for ${kind} sources`);
    // PRV-4: "" takes the mapping out of its group.
    const group = c.PollerGroupName === '' ? undefined : c.PollerGroupName;
    provisioned = { minimumPollers: min, maximumPollers: max, ...(group !== undefined && { pollerGroupName: group }) };
  }

  // PRV-12 / SR-2 / DA-7: what Lambda allows a Kafka mapping in provisioned mode only. The spec does not say
  // whether an explicit default (-1, false, []) is refused, so only values that change behaviour are.
  if (p?.errorControls !== undefined && provisioned === undefined) {
    const destination = m.DestinationConfig?.OnFailure?.Destination;
    const set: string[] = [
      ...(m.MaximumRetryAttempts !== undefined && m.MaximumRetryAttempts !== -1 ? ['MaximumRetryAttempts'] : []),
      ...(m.MaximumRecordAgeInSeconds !== undefined && m.MaximumRecordAgeInSeconds !== -1
        ? ['MaximumRecordAgeInSeconds']
        : []),
      ...(m.BisectBatchOnFunctionError === true ? ['BisectBatchOnFunctionError'] : []),
      ...((m.FunctionResponseTypes?.length ?? 0) > 0 ? ['FunctionResponseTypes'] : []),
      ...(destination !== undefined && rules.ownsDestination?.(destination) === true
        ? ['DestinationConfig.OnFailure.Destination']
        : []),
      ...p.errorControls.onlyProvisioned(m),
    ];
    // DA-7: `{}` leaves provisioned mode; the caller clears these in the same or an earlier update.
    const why = on || c === undefined ? '' : '; clear it to leave provisioned mode (ProvisionedPollerConfig: {})';
    for (const field of set)
      bad(field, `requires provisioned mode (ProvisionedPollerConfig) for ${kind} sources${why}`);
  }

  // MET-9 / DA-5: LoggingConfig only on a source that has it, in provisioned mode.
  const level = m.LoggingConfig?.SystemLogLevel;
  if (m.LoggingConfig !== undefined && p?.systemLogLevel !== true)
    bad('LoggingConfig', `not supported for ${kind} sources (Kafka mappings in provisioned mode only)`);
  else if (m.LoggingConfig !== undefined && provisioned === undefined)
    bad('LoggingConfig', 'requires provisioned mode (ProvisionedPollerConfig)');

  // MET-2 / DA-5: the metric groups the source has.
  const groups = rules.metricGroups ?? ['EventCount'];
  if (m.MetricsConfig !== undefined && groups.length === 0) bad('MetricsConfig', `not supported for ${kind} sources`);
  else
    for (const g of m.MetricsConfig?.Metrics ?? [])
      if (!groups.includes(g)) bad('MetricsConfig.Metrics', `${g} is not available for ${kind} sources`);

  if (problems.length > before) return {};
  return { provisioned, ...(level !== undefined && provisioned !== undefined && { systemLogLevel: level }) };
}

/** DA-15: what Get/List show of provisioned mode (the bounds with defaults, the group when set; nothing when off). */
export function renderProvisioned(p: ProvisionedPollers | undefined): Record<string, unknown> {
  if (p === undefined) return {};
  const config: Record<string, unknown> = { MinimumPollers: p.minimumPollers, MaximumPollers: p.maximumPollers };
  if (p.pollerGroupName !== undefined) config.PollerGroupName = p.pollerGroupName;
  return { ProvisionedPollerConfig: config };
}

/** PRV-4: at most 100 mappings per poller group, whose MaximumPollers add up to at most 2,000. */
export function pollerGroupProblems(
  mappings: ReadonlyArray<{ at: string; provisioned?: ProvisionedPollers }>,
): Problem[] {
  const groups = new Map<string, Array<{ at: string; max: number }>>();
  for (const m of mappings) {
    const name = m.provisioned?.pollerGroupName;
    if (name === undefined) continue;
    const list = groups.get(name) ?? [];
    list.push({ at: m.at, max: m.provisioned?.maximumPollers ?? 0 });
    groups.set(name, list);
  }
  const problems: Problem[] = [];
  for (const [name, list] of groups) {
    const last = list[list.length - 1]!;
    const path = `${last.at}.ProvisionedPollerConfig.PollerGroupName`;
    if (list.length > 100) problems.push({ path, message: `poller group "${name}" has more than 100 mappings` });
    const sum = list.reduce((s, x) => s + x.max, 0);
    if (sum > 2000)
      problems.push({ path, message: `poller group "${name}": MaximumPollers add up to ${sum}, over 2000` });
  }
  return problems;
}
