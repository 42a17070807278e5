// Stand-alone config until the shared `integration` project exists:
//   SLUICE_SQS_ENDPOINT=http://127.0.0.1:9324 npx vitest run --config test/integration/sqs/vitest.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'integration-sqs',
    include: ['test/integration/sqs/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
