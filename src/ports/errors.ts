// One error base for the project: a stable code, whether a retry may help, and the cause. Codes are typed:
// sluice's own (ERROR_CODES, each with its retry default), Lambda's API exception names, or a code passed on from
// outside, marked as such (externalCode), so a misspelt code fails typecheck.

/** sluice's own error codes and whether a retry may help; `retryable` defaults to this. */
export const ERROR_CODES = {
  /** A mapping or function the configuration cannot run: fix the config. */
  InvalidConfig: { retryable: false },
  /** No connector reads this source (in this shape). */
  UnsupportedSource: { retryable: false },
  /** No connector delivers to this address. */
  UnsupportedDestination: { retryable: false },
  /** Several connections fit an address and none is named. */
  AmbiguousConnection: { retryable: false },
  /** A part the call needs has not started yet. */
  NotReady: { retryable: true },
  /** The memory broker's cap is reached; space comes back as records leave. */
  MemorySourcesFull: { retryable: true },
  /** A source no longer owns a shard (ShardLostError). */
  ShardLost: { retryable: false },
  /** The source's consumer group is rebalancing (Kafka); a commit waits for the new assignment. */
  SourceRebalancing: { retryable: true },
} as const satisfies Record<string, { retryable: boolean }>;
export type SluiceErrorCode = keyof typeof ERROR_CODES;

/** Lambda API exception names sluice answers with (ERR-5). */
export type LambdaExceptionName =
  | 'AccessDeniedException'
  | 'CodeStorageExceededException'
  | 'IncompleteSignatureException'
  | 'InvalidParameterValueException'
  | 'InvalidRequestContentException'
  | 'InvalidSignatureException'
  | 'MisdirectedRequestException'
  | 'MissingAuthenticationTokenException'
  | 'PreconditionFailedException'
  | 'RequestEntityTooLargeException'
  | 'RequestTooLargeException'
  | 'ResourceConflictException'
  | 'ResourceInUseException'
  | 'ResourceNotFoundException'
  | 'ResponseSizeTooLarge'
  | 'ServiceException'
  | 'TooManyRequestsException'
  | 'UnknownOperationException'
  | 'UnrecognizedClientException'
  | 'UnsupportedMediaTypeException'
  | 'ValidationException';

declare const external: unique symbol;
/** A code from outside sluice, passed on as it came: an AWS SDK exception name, a remote function's error type. */
export type ExternalCode = string & { readonly [external]: true };
export const externalCode = (code: string): ExternalCode => code as ExternalCode;

export type ErrorCode = SluiceErrorCode | LambdaExceptionName | ExternalCode;

const isOwnCode = (code: ErrorCode): code is SluiceErrorCode => Object.hasOwn(ERROR_CODES, code);

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SluiceError';
    this.code = code;
    this.retryable = options.retryable ?? (isOwnCode(code) && ERROR_CODES[code].retryable);
  }
}

/** An error the HTTP API answers with a Lambda exception name and status (ERR-5). */
export class LambdaApiError extends SluiceError {
  readonly statusCode: number;
  readonly type: 'User' | 'Server';
  readonly extra: Record<string, unknown>;

  constructor(
    exception: LambdaExceptionName | ExternalCode,
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

/**
 * A source no longer owns a shard (a Kafka partition revoked in a rebalance). Thrown by ShardReader.read/open
 * and by a source-owned CheckpointStore: the worker for that shard must stop without retrying or marking the
 * shard finished; the shard may be listed again later (then a new worker starts from the source's position).
 */
export class ShardLostError extends SluiceError {
  readonly shardId: string;

  constructor(shardId: string, message = `shard ${shardId} is no longer owned by this consumer`) {
    super('ShardLost', message);
    this.name = 'ShardLostError';
    this.shardId = shardId;
  }
}
