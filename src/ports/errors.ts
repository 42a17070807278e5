// One error base for the project: a stable code, whether a retry may help, and the cause.

export class SluiceError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SluiceError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** An error the HTTP API answers with a Lambda exception name and status (ERR-5). */
export class LambdaApiError extends SluiceError {
  readonly statusCode: number;
  readonly type: 'User' | 'Server';
  readonly extra: Record<string, unknown>;

  constructor(
    exception: string,
    statusCode: number,
    message: string,
    options: { type?: 'User' | 'Server'; extra?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(exception, message, { retryable: statusCode === 429 || statusCode >= 500, cause: options.cause });
    this.name = exception;
    this.statusCode = statusCode;
    this.type = options.type ?? (statusCode >= 500 ? 'Server' : 'User');
    this.extra = options.extra ?? {};
  }
}
