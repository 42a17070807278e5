// Builds a kafkajs client from a named connection (connection.ts).
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger } from '../../src/ports/logger.js';
import type { KafkaConnection } from './connection.js';

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
  // Each of the three mechanisms takes username and password; kafkajs types them one by one.
  if (conn.sasl !== undefined) config.sasl = conn.sasl as SASLOptions;
  return new Kafka(config);
}
