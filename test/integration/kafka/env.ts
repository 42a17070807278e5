import { servers } from '../../services/inject.js';

/** The Kafka broker the harness started for this run (fails loudly when it was not started). */
export function kafkaBrokers(): string[] {
  return servers().kafka.brokers;
}
