// Process warnings go to the service's JSON log instead of Node's plain-text stderr lines, so a log shipper sees
// them like any other entry. One warning is dropped: kafkajs 2.2.4 arms a timer with a negative delay while its
// request queue drains, which Node 24 reports as TimeoutNegativeWarning and runs after 1 ms, as kafkajs meant
// (tulios/kafkajs#1751, no release fixes it). It said nothing a user could act on, on every start with Kafka.
import type { Logger } from '../ports/logger.js';

const IGNORED = new Set(['TimeoutNegativeWarning']);

/** Replaces Node's default warning printer with the logger. Returns a function that puts the default back. */
export function logProcessWarnings(logger: Logger): () => void {
  const previous = process.listeners('warning');
  const onWarning = (warning: Error): void => {
    if (IGNORED.has(warning.name)) return;
    logger.warn({ warning: { name: warning.name, message: warning.message } }, 'process warning');
  };
  process.removeAllListeners('warning');
  process.on('warning', onWarning);
  return () => {
    process.off('warning', onWarning);
    for (const l of previous) process.on('warning', l);
  };
}
