// #20 item 4: how many processes `sluice start --workers` runs when not told exactly.
import { availableParallelism } from 'node:os';
import { expect, it } from 'vitest';
import { usableCores, workerCount } from '../../../src/app/workers.js';

it('#20-4 the default is one worker per core with Redis state, and 1 without it', () => {
  expect(workerCount(undefined, 'redis', () => 6)).toEqual({ count: 6 });
  expect(workerCount(3, 'redis', () => 6)).toEqual({ count: 3 });
  expect(workerCount(undefined, 'memory', () => 6)).toEqual({ count: 1 });
  expect(workerCount(1, 'memory', () => 6)).toEqual({ count: 1 });
});

it('#20-4 asking for more than 1 without Redis state runs 1 and says why', () => {
  const plan = workerCount(4, 'memory', () => 6);
  expect(plan.count).toBe(1);
  expect(plan.warning).toContain('--workers 4 needs state.type "redis"');
});

it('#20-4 cores: the CPUs this process may use, capped by a cgroup v2 CPU quota', () => {
  const cpus = availableParallelism();
  expect(usableCores(undefined)).toBe(cpus);
  expect(usableCores('max 100000\n')).toBe(cpus);
  expect(usableCores('100000 100000\n')).toBe(1);
  expect(usableCores('150000 100000\n')).toBe(Math.min(cpus, 2));
  expect(usableCores('50000 100000\n')).toBe(1);
  expect(usableCores(`${(cpus + 8) * 100000} 100000`)).toBe(cpus);
});
