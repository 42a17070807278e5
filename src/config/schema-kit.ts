// Zod pieces the config schema files share: integers, timer-bounded seconds, http URLs and destinations.
import { z } from 'zod';
import { MAX_TIMER_MS } from '../ports/clock.js';

export const int = () => z.number().int();
export const MAX_TIMER_SECONDS = Math.floor(MAX_TIMER_MS / 1000);
export const seconds = () => z.number().min(0).max(MAX_TIMER_SECONDS);
export const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
export const destination = z.object({ Destination: z.string().min(1).max(350).optional() }).strict();
