// #20-5: a row's figure is the median of its rounds with the spread printed, and peak RSS comes from the kernel's
// VmHWM, not a timer.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseVmHwmKb, peakRssMb, resetPeakRss } from '../../../bench/lib/proc-memory.js';
import { sideOf } from '../../../bench/lib/side-runs.js';
import { fromRounds, median, medianRound, spreadOf } from '../../../bench/lib/stats.js';

const run = (rate: number, rssMb: number) => ({ rate, cost: { cpuPercent: 50, rssMb }, cpuUsPerRecord: 1 });

describe('bench median and spread (#20-5)', () => {
  it('takes the median of the rounds, not the best, and keeps min–max', () => {
    expect(median([90, 300, 100])).toBe(100);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(spreadOf([90, 300, 100])).toEqual({ min: 90, max: 300, rounds: 3 });
    expect(fromRounds([90, 300, 100])).toEqual({ throughput: 100, spread: { min: 90, max: 300, rounds: 3 } });
  });

  it("reports the median round's cost with its rate (a lucky round does not lend its figures)", () => {
    const runs = [run(300, 900), run(100, 200), run(90, 150)];
    expect(medianRound(runs)).toBe(runs[1]);
    expect(medianRound([run(1, 1), run(2, 2)])?.rate).toBe(1);
    expect(sideOf(runs)).toEqual({
      throughput: 100,
      spread: { min: 90, max: 300, rounds: 3 },
      cost: { cpuPercent: 50, rssMb: 200 },
    });
  });
});

describe('bench peak RSS from /proc (#20-5)', () => {
  it('parses VmHWM in kB from a status text', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1234 kB\nVmHWM:\t   338508 kB\nVmRSS:\t   46124 kB\n';
    expect(parseVmHwmKb(status)).toBe(338_508);
    expect(parseVmHwmKb('Name:\tnode\n')).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')(
    "reads a process's peak after it freed the memory, and resets it",
    async () => {
      // A child touches 200 MB, frees it and waits: its current RSS is small, its VmHWM is not.
      const script =
        "let b = Buffer.alloc(200 * 2 ** 20, 1); b = null; globalThis.gc(); console.log('ready'); setInterval(() => {}, 1000);";
      const child = spawn(process.execPath, ['--expose-gc', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        const pid = child.pid!;
        expect(peakRssMb(pid)!).toBeGreaterThan(200);
        expect(resetPeakRss(pid)).toBe(true);
        expect(peakRssMb(pid)!).toBeLessThan(150);
      } finally {
        child.kill();
      }
    },
  );
});
