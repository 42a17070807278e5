// The abuse suite (`npx vitest run --config vitest.abuse.config.ts`): hostile callers and heavy load against
// the built service. Separate from `npm test` because it loads the machine; files run one at a time.
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
