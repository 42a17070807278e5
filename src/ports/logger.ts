// The subset of pino the rest of the code uses, so core stays free of the logging library.
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /** `options.level`: this child's own threshold (a mapping's SystemLogLevel), lower or higher than its parent's. */
  child(bindings: Record<string, unknown>, options?: { level?: string }): Logger;
}
