// Where the integration tests find Redis. The test/services harness will provide this; until then the
// URL comes from SLUICE_REDIS_URL, and a missing server fails loudly rather than skipping.
export function redisUrl(): string {
  const url = process.env.SLUICE_REDIS_URL;
  if (!url) {
    throw new Error(
      'SLUICE_REDIS_URL is not set: start a redis-server and export SLUICE_REDIS_URL=redis://127.0.0.1:<port>',
    );
  }
  return url;
}
