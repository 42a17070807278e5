// Stand-alone config until the shared `integration` project exists (kinesalite starts in-process):
//   SLUICE_DYNAMODB_ENDPOINT=http://127.0.0.1:8000 npx vitest run --config test/integration/kinesis/vitest.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'integration-kinesis-dynamodb',
    include: ['test/integration/kinesis/**/*.test.ts', 'test/integration/dynamodb/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
