// Placeholder: the scale helper writes these curves; the merge replaces this file.
import type { Scenario } from '../lib/types.js';

export const scaleScenarios: Scenario[] = [
  { id: 'scale', title: 'Scale curves', run: () => Promise.reject(new Error('not yet written')) },
];
