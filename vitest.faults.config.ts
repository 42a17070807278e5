// The fault-injection suite (`npm run test:faults`): separate from `npm test` because it SIGKILLs the built
// service, waits on visibility timeouts and claim TTLs, and takes minutes. Scenarios run one file at a time.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'faults',
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/faults/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
