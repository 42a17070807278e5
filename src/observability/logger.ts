import { pino } from 'pino';
import type { Logger } from '../ports/logger.js';
import { redactUrls } from '../ports/redact.js';
import { redactLogFields } from './redact.js';

const URL_KEYS = ['destination', 'address', 'url', 'endpoint'];

/** pino's error serializer, with the URLs in message and stack redacted (destination URLs may hold secrets). */
function errSerializer(err: Error): Record<string, unknown> {
  const s = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack']) if (typeof s[key] === 'string') s[key] = redactUrls(s[key]);
  return s;
}

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
    serializers: {
      err: errSerializer,
      ...Object.fromEntries(URL_KEYS.map((k) => [k, (v: unknown) => (typeof v === 'string' ? redactUrls(v) : v)])),
    },
    // Serializers also reach child-logger bindings (logger.child({ destination })), which formatters.log does not.
    formatters: { log: (obj: Record<string, unknown>) => redactLogFields(obj) },
  };
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  return destination === undefined ? pino(options) : pino(options, destination);
}
