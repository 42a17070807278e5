// Placeholder: the redis helper writes this scenario; the merge replaces this file.
import type { Scenario } from '../lib/types.js';

export const redisScenario: Scenario = {
  id: 'redis',
  title: 'Redis Streams',
  run: () => Promise.reject(new Error('not yet written')),
};
