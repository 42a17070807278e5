// On-failure destination record for stream mappings (spec §3.7, STR-27..30, D-4).
import { isoTime } from '../../ports/stream-batch-info.js';

export type StreamFailureCondition =
  | 'RetryAttemptsExhausted'
  | 'RecordAgeExceeded'
  | 'MaximumPayloadSizeExceeded'
  /** Kafka schema registry (DA-8): the record failed validation or decoding and was never invoked. */
  | 'SchemaValidationFailed'
  /** sluice only (#21): an operator gave the failing batch up (the record names who and when). */
  | 'OperatorSkipped';

export interface StreamResponseContext {
  statusCode: number;
  executedVersion: string;
  /** 'Unhandled' after a function error; null when the function returned normally (a partial or invalid response). */
  functionError: 'Handled' | 'Unhandled' | null;
}

export interface StreamFailureRecord {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: StreamFailureCondition;
    approximateInvokeCount: number;
  };
  /** null when the function never ran for these records (D-4) or the payload was too large (KAF-17). */
  responseContext: StreamResponseContext | null;
  version: '1.0';
  timestamp: string;
  [batchInfoKey: string]: unknown;
}

export function buildStreamFailureRecord(input: {
  requestId: string;
  functionArn: string;
  condition: StreamFailureCondition;
  approximateInvokeCount: number;
  responseContext: StreamResponseContext | null;
  timestampMs: number;
  /** The source's batch-info part (StreamEvents.failureInfo): `{ KinesisBatchInfo: ... }`, Kafka's, ... */
  batchInfo: Record<string, unknown>;
}): StreamFailureRecord {
  return {
    requestContext: {
      requestId: input.requestId,
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    responseContext: input.responseContext,
    version: '1.0',
    timestamp: isoTime(input.timestampMs),
    ...input.batchInfo,
  };
}
