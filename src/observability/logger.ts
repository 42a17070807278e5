import { pino } from 'pino';
import type { Logger } from '../ports/logger.js';

/** JSON logs; pretty when stdout is a terminal. Secrets and payloads are never logged by default. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const pretty = destination === undefined && process.stdout.isTTY && process.env.SLUICE_LOG_FORMAT !== 'json';
  const options = {
    level,
    base: { service: 'sluice' },
    redact: {
      paths: ['*.password', '*.secretAccessKey', '*.sessionToken', '*.authorization', '*.token'],
      censor: '[redacted]',
    },
  };
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  return destination === undefined ? pino(options) : pino(options, destination);
}
