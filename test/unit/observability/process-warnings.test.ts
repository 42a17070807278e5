import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/ports/logger.js';
import { logProcessWarnings } from '../../../src/observability/process-warnings.js';

function recordingLogger(lines: unknown[]): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (obj: unknown, msg?: string) => void lines.push({ obj, msg }),
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

const nextWarning = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('process warnings', () => {
  it('go to the log instead of stderr, except kafkajs TimeoutNegativeWarning', async () => {
    const lines: unknown[] = [];
    const restore = logProcessWarnings(recordingLogger(lines));
    try {
      process.emitWarning('-1747359280440 is a negative number.', 'TimeoutNegativeWarning');
      process.emitWarning('something to act on', 'DeprecationWarning', 'DEP0999');
      await nextWarning();
    } finally {
      restore();
    }
    expect(lines).toEqual([
      {
        obj: { warning: { name: 'DeprecationWarning', message: 'something to act on' } },
        msg: 'process warning',
      },
    ]);
    expect(process.listeners('warning').length).toBeGreaterThan(0); // Node's own printer is back
  });
});
