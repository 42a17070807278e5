// Placeholder: the kafka helper writes this scenario; the merge replaces this file.
import type { Scenario } from '../lib/types.js';

export const kafkaScenario: Scenario = {
  id: 'kafka',
  title: 'Kafka',
  run: () => Promise.reject(new Error('not yet written')),
};
