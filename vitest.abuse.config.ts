// The abuse suite (`npm run test:abuse`): hostile callers and heavy load against the built service as a child
// process — foreign Host/Origin, destination redirects over the API, many held large bodies — asserting the
// answers and the RSS of the service process. Separate from `npm test`: it moves hundreds of MB through loopback.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'abuse',
    include: ['test/abuse/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
