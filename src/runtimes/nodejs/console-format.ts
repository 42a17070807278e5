// How a handler's console calls become log lines, as Lambda's Node.js runtime writes them under the function's
// LoggingConfig: Text lines `time\trequestId\tLEVEL\tmessage`, or JSON objects `{timestamp, level, requestId,
// message}` (AWS_LAMBDA_LOG_FORMAT=JSON) filtered by the application log level (AWS_LAMBDA_LOG_LEVEL). Lambda
// filters levels in JSON format only.
import { format } from 'node:util';

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ConsoleFormat {
  json: boolean;
  /** Lowest level written (JSON only; Text writes every level). */
  minLevel: LogLevel;
}

export function consoleFormatOf(env: NodeJS.ProcessEnv): ConsoleFormat {
  const json = env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  const level = env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase();
  const minLevel = LOG_LEVELS.find((l) => l === level) ?? 'INFO';
  return { json, minLevel: json ? minLevel : 'TRACE' };
}

export function levelEnabled(f: ConsoleFormat, level: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(f.minLevel);
}

/** Errors inside a JSON message keep their type, message and stack instead of becoming `{}`. */
function errorFields(err: Error): Record<string, unknown> {
  return {
    errorType: err.name,
    errorMessage: err.message,
    stackTrace: typeof err.stack === 'string' ? err.stack.split('\n') : [],
  };
}

function replaceErrors(_key: string, value: unknown): unknown {
  return value instanceof Error ? { ...errorFields(value), ...value } : value;
}

/** One log line (newline included) for a console call, or undefined when its level is filtered out. */
export function consoleLine(
  f: ConsoleFormat,
  level: LogLevel,
  requestId: string | undefined,
  args: unknown[],
  now = new Date(),
): string | undefined {
  if (!levelEnabled(f, level)) return undefined;
  const timestamp = now.toISOString();
  if (!f.json) return `${timestamp}\t${requestId ?? 'undefined'}\t${level}\t${format(...args)}\n`;
  const base = { timestamp, level, requestId };
  // One argument is kept as a value (an object stays an object); several are formatted into one string.
  if (args.length === 1) {
    try {
      return `${JSON.stringify({ ...base, message: args[0] }, replaceErrors)}\n`;
    } catch {
      // cyclic or BigInt: fall through to the formatted string
    }
  }
  const firstError = args.find((a): a is Error => a instanceof Error);
  return `${JSON.stringify({ ...base, message: format(...args), ...(firstError ? errorFields(firstError) : {}) })}\n`;
}
