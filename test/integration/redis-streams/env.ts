import { servers } from '../../services/inject.js';

/** The redis-server the harness started for this run (fails loudly when it was not started). */
export function redisUrl(): string {
  return servers().redis.url;
}
