// Where the Redis server for integration tests is. The test-server harness will provide this; until then the
// address comes from SLUICE_REDIS_URL (redis://host:port) and a missing value fails loudly.
export function redisUrl(): string {
  const raw = process.env.SLUICE_REDIS_URL?.trim();
  if (raw === undefined || raw === '')
    throw new Error(
      'SLUICE_REDIS_URL is not set: the Redis integration tests need a real redis-server (redis://host:port)',
    );
  return raw;
}
