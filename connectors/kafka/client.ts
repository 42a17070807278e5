// Builds a kafkajs client from a named connection: { brokers: string[], clientId?, ssl?, sasl? }.
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger } from '../../src/ports/logger.js';

export interface KafkaConnection {
  brokers: string[];
  clientId?: string;
  ssl?: boolean | Record<string, unknown>;
  sasl?: { mechanism: string; username?: string; password?: string } & Record<string, unknown>;
}

/** KAFKA_BOOTSTRAP_SERVERS may come as one comma-separated string or as a list; sluice takes either. */
function brokerList(raw: unknown): unknown {
  if (typeof raw === 'string') raw = [raw];
  if (!Array.isArray(raw)) return raw;
  return raw.flatMap((b: unknown) => (typeof b === 'string' ? b.split(',').map((s) => s.trim()) : [b]));
}

export function validateKafkaConnection(c: Record<string, unknown>): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const brokers = brokerList(c.brokers);
  if (!Array.isArray(brokers) || brokers.length === 0) problems.push(['brokers', 'must be a non-empty array']);
  else
    brokers.forEach((b, i) => {
      if (typeof b !== 'string' || !/^[^\s:]+:\d+$/.test(b)) problems.push([`brokers.${i}`, 'must be "host:port"']);
    });
  if (c.clientId !== undefined && typeof c.clientId !== 'string') problems.push(['clientId', 'must be a string']);
  if (c.ssl !== undefined && typeof c.ssl !== 'boolean' && (typeof c.ssl !== 'object' || c.ssl === null))
    problems.push(['ssl', 'must be a boolean or an object of TLS options']);
  if (c.sasl !== undefined) {
    const sasl: unknown = c.sasl;
    const m = sasl !== null && typeof sasl === 'object' ? (sasl as { mechanism?: unknown }).mechanism : undefined;
    if (typeof m !== 'string' || !['plain', 'scram-sha-256', 'scram-sha-512', 'aws', 'oauthbearer'].includes(m))
      problems.push(['sasl.mechanism', 'must be plain, scram-sha-256, scram-sha-512, aws or oauthbearer']);
  }
  return problems;
}

export function kafkaConnection(c: Record<string, unknown>): KafkaConnection {
  const problems = validateKafkaConnection(c);
  if (problems.length > 0)
    throw new Error(`invalid Kafka connection: ${problems.map(([p, m]) => `${p} ${m}`).join('; ')}`);
  return { ...c, brokers: brokerList(c.brokers) } as unknown as KafkaConnection;
}

// kafkajs logs a rebalance seen in a heartbeat or commit response as an error; it is routine, so demote it.
const ROUTINE = /rebalanc|not aware of this member|not the correct coordinator|coordinator is (loading|not available)/i;

/** kafkajs logs through its own logger; route warnings and errors to ours, quietly. */
export function createKafka(conn: KafkaConnection, logger: Logger): Kafka {
  const config: KafkaConfig = {
    clientId: conn.clientId ?? 'sluice',
    brokers: conn.brokers,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        const routine = ROUTINE.test(`${String(extra.error ?? '')} ${message}`);
        if (routine) logger.debug(extra, `kafkajs: ${message}`);
        else if (level <= logLevel.ERROR) logger.error(extra, `kafkajs: ${message}`);
        else if (level === logLevel.WARN) logger.warn(extra, `kafkajs: ${message}`);
      },
  };
  if (conn.ssl !== undefined) config.ssl = conn.ssl;
  if (conn.sasl !== undefined) config.sasl = conn.sasl as unknown as SASLOptions;
  return new Kafka(config);
}
