import { defineConfig } from 'vitest/config';
import type { Reporter } from 'vitest/node';

// SLUICE_TEST_SERVERS=none is the explicit opt-out of the integration tests (real servers). Say so loudly, twice.
const integrationOptedOut = process.env.SLUICE_TEST_SERVERS?.trim().toLowerCase() === 'none';
const bannerLines = [
  'SLUICE_TEST_SERVERS=none: INTEGRATION TESTS (test/integration) WERE NOT RUN',
  'Unset SLUICE_TEST_SERVERS to test against the real servers.',
];
const bar = '!'.repeat(Math.max(...bannerLines.map((l) => l.length)) + 8);
const notRunBanner = ['', bar, ...bannerLines.map((l) => `!!  ${l.padEnd(bar.length - 8)}  !!`), bar, ''].join('\n');
const notRunReporter: Reporter = { onTestRunEnd: () => void process.stderr.write(`${notRunBanner}\n`) };
if (integrationOptedOut) process.stderr.write(`${notRunBanner}\n`);

export default defineConfig({
  test: {
    // Only touch reporters on opt-out, so vitest's own defaults (e.g. github-actions in CI) stay as they are.
    ...(integrationOptedOut ? { reporters: ['default', notRunReporter] } : {}),
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      ...(integrationOptedOut
        ? []
        : [
            {
              test: {
                name: 'integration',
                // Conformance suites run each connector on its real server, so they live with the integration tests.
                include: ['test/integration/**/*.test.ts', 'test/conformance/**/*.test.ts'],
                // Starts the real servers once per run (see test/services/README.md).
                globalSetup: ['test/services/global-setup.ts'],
                testTimeout: 60_000,
                hookTimeout: 120_000,
              },
            },
          ]),
    ],
  },
});
