// Runs the async Redis integration tests alone until the `integration` project of test/services lands:
//   SLUICE_REDIS_URL=redis://127.0.0.1:<port> npx vitest run -c test/integration/async/vitest.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../../..', import.meta.url)),
    include: ['test/integration/async/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
