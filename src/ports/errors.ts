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

/**
 * A source no longer owns a shard (a Kafka partition revoked in a rebalance). Thrown by ShardReader.read/open
 * and by a source-owned CheckpointStore: the worker for that shard must stop without retrying or marking the
 * shard finished; the shard may be listed again later (then a new worker starts from the source's position).
 */
export class ShardLostError extends SluiceError {
  readonly shardId: string;

  constructor(shardId: string, message = `shard ${shardId} is no longer owned by this consumer`) {
    super('ShardLost', message, { retryable: false });
    this.name = 'ShardLostError';
    this.shardId = shardId;
  }
}
