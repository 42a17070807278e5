// A failing checkpoint write (a Kafka commit during a rebalance) is retried at the next flush: the log says so once
// per run of failures, not once per finished batch, and says when writes work again; every failure is counted.
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../../src/ports/logger.js';
import { ShardCheckpoints } from '../../../../src/core/esm/shard-checkpoints.js';
import { SimClock } from './helpers/sim-clock.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

function recordingLogger(lines: Array<{ level: Level; msg: string | undefined }>): Logger {
  const at =
    (level: Level) =>
    (_obj: unknown, msg?: string): void =>
      void lines.push({ level, msg });
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

describe('shard checkpoints: failed writes', () => {
  it('STR-9 a run of failed commits warns once, counts each, and logs the recovery; the position is written after it', async () => {
    const lines: Array<{ level: Level; msg: string | undefined }> = [];
    let failing = true;
    const committed: string[] = [];
    let errors = 0;
    const cp = new ShardCheckpoints({
      target: {
        positions: 'source',
        commit: (position) => {
          if (failing) return Promise.reject(new Error('REBALANCE_IN_PROGRESS'));
          committed.push(position);
          return Promise.resolve(true);
        },
      },
      log: recordingLogger(lines),
      retry: { clock: new SimClock(), delayMs: () => 0, signal: new AbortController().signal, stopped: () => false },
      onWriteError: () => errors++,
    });
    for (let i = 1; i <= 50; i++) {
      cp.markDone(cp.add({ position: String(i) }));
      await cp.flush();
    }
    expect(errors).toBe(50);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(committed).toEqual([]);
    failing = false;
    await cp.flush();
    expect(committed).toEqual(['50']);
    expect(lines.filter((l) => l.level === 'info').map((l) => l.msg)).toEqual(['checkpoint write works again']);
    failing = true;
    cp.markDone(cp.add({ position: '51' }));
    await cp.flush();
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(2); // a new run of failures warns again
  });
});
