// Lambda's RabbitMQ fields of CreateEventSourceMapping: `Queues` (exactly one, RMQ-8) and SourceAccessConfigurations
// (VIRTUAL_HOST, RMQ-9), with the rules of RMQ-8, RMQ-12/DA-5 and RMQ-13, and what they compile to.
import { z } from 'zod';
import { mappingFields, type QueueSourceOptions } from '../../src/ports/connector.js';
import { isBrokerArn, queueOfUri } from './address.js';

/** What a RabbitMQ mapping reads: one queue (undefined only before the checks) on one virtual host. */
export interface RabbitmqMappingSettings {
  queue?: string;
  /** Undefined: the connection's `vhost`, else "/". */
  vhost?: string;
}

/** SourceAccessConfigurations types Lambda documents for RabbitMQ (RMQ-9). */
const ACCESS_TYPES = ['BASIC_AUTH', 'VIRTUAL_HOST'] as const;

export const rabbitmqMappingShape = {
  Queues: z
    .array(z.string().min(1).max(1000))
    .length(1)
    .optional()
    .describe('Amazon MQ: the one queue the mapping reads (RMQ-8).'),
  SourceAccessConfigurations: z
    .array(z.object({ Type: z.enum(ACCESS_TYPES), URI: z.string().min(1) }).strict())
    .optional()
    .describe(
      'Amazon MQ: VIRTUAL_HOST names the virtual host (default the connection\'s, else "/"); BASIC_AUTH is accepted and ignored: credentials come from the connection.',
    ),
};

export interface RabbitmqFieldValues {
  Queues?: readonly string[];
  SourceAccessConfigurations?: ReadonlyArray<{ Type: (typeof ACCESS_TYPES)[number]; URI: string }>;
}

/** The common fields these rules read. */
export interface RabbitmqCommonFields {
  EventSourceArn?: string;
  FunctionResponseTypes?: readonly string[];
  functionTimeoutMs?: number;
}

/** P-7 / RMQ-13: MQ mappings need a function timeout of at most 14 minutes. */
const MAX_FUNCTION_TIMEOUT_MS = 14 * 60_000;

/** Lambda's rules of a RabbitMQ mapping, as [field path, message] pairs. */
export function checkRabbitmqMapping(f: RabbitmqFieldValues, m: RabbitmqCommonFields): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const uriQueue = queueOfUri(m.EventSourceArn);
  if (m.EventSourceArn !== undefined && !isBrokerArn(m.EventSourceArn) && uriQueue === undefined)
    problems.push(['EventSourceArn', 'not a broker ARN (arn:aws:mq:…:broker:<name>:<id>) or rabbitmq://<queue>']);
  // DA-5: an MQ mapping without a queue is refused.
  else if (f.Queues === undefined && uriQueue === undefined)
    problems.push(['Queues', 'required for RabbitMQ (exactly one queue)']);
  else if (uriQueue !== undefined && f.Queues !== undefined && f.Queues[0] !== uriQueue)
    problems.push(['Queues', `must be ["${uriQueue}"], the queue of ${m.EventSourceArn}`]);
  const vhosts = (f.SourceAccessConfigurations ?? []).filter((c) => c.Type === 'VIRTUAL_HOST');
  if (vhosts.length > 1) problems.push(['SourceAccessConfigurations', 'at most one VIRTUAL_HOST']);
  // RMQ-12 / DA-5: no partial batch responses for MQ (RMQ-17: a failure retries the whole batch).
  if (m.FunctionResponseTypes !== undefined && m.FunctionResponseTypes.length > 0)
    problems.push(['FunctionResponseTypes', 'not supported for rabbitmq sources (RMQ-12)']);
  if (m.functionTimeoutMs !== undefined && m.functionTimeoutMs > MAX_FUNCTION_TIMEOUT_MS)
    problems.push(['FunctionName', 'RabbitMQ mappings need a function Timeout of at most 840 s (RMQ-13)']);
  return problems;
}

/** The queue and virtual host of a mapping: its Queues, else the queue of its rabbitmq:// address. */
export function rabbitmqSettings(f: RabbitmqFieldValues, address: string): RabbitmqMappingSettings {
  const queue = f.Queues?.[0] ?? queueOfUri(address);
  const vhost = f.SourceAccessConfigurations?.find((c) => c.Type === 'VIRTUAL_HOST')?.URI;
  return { ...(queue === undefined ? {} : { queue }), ...(vhost === undefined ? {} : { vhost }) };
}

/** The settings the engine passed back from `rabbitmqMappingFields.settings`. */
export const rabbitmqSettingsOf = (options: QueueSourceOptions): RabbitmqMappingSettings => options.settings ?? {};

/** The fields as GetEventSourceMapping shows them. */
export const renderRabbitmqFields = (s: RabbitmqMappingSettings): Record<string, unknown> => ({
  ...(s.queue === undefined ? {} : { Queues: [s.queue] }),
  ...(s.vhost === undefined ? {} : { SourceAccessConfigurations: [{ Type: 'VIRTUAL_HOST', URI: s.vhost }] }),
});

export const rabbitmqMappingFields = mappingFields({
  shape: rabbitmqMappingShape,
  check: (f, m) => checkRabbitmqMapping(f, m),
  settings: rabbitmqSettings,
  render: renderRabbitmqFields,
});
