// Where the Kafka broker for integration tests is. The test-server harness will provide this; until then the
// address comes from SLUICE_KAFKA_BROKERS (comma-separated host:port) and a missing value fails loudly.
export function kafkaBrokers(): string[] {
  const raw = process.env.SLUICE_KAFKA_BROKERS?.trim();
  if (raw === undefined || raw === '')
    throw new Error('SLUICE_KAFKA_BROKERS is not set: the Kafka integration tests need a real broker (host:port,...)');
  return raw.split(',').map((b) => b.trim());
}
