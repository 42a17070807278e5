// On-failure destination record for stream mappings (spec §3.7, STR-27..30, D-4).

export type StreamFailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded' | 'MaximumPayloadSizeExceeded';

export interface StreamResponseContext {
  statusCode: number;
  executedVersion: string;
  /** 'Unhandled' after a function error; null when the function returned normally (a partial or invalid response). */
  functionError: 'Handled' | 'Unhandled' | null;
}

export interface StreamBatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  approximateArrivalOfFirstRecord: string;
  approximateArrivalOfLastRecord: string;
  batchSize: number;
  streamArn: string;
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

/** ISO-8601 UTC; DynamoDB writes arrival times with second precision (§3.7). */
export function isoTime(ms: number, secondPrecision = false): string {
  const iso = new Date(ms).toISOString();
  return secondPrecision ? iso.replace(/\.\d{3}Z$/, 'Z') : iso;
}

export function buildStreamBatchInfo(
  shardId: string,
  streamArn: string,
  records: ReadonlyArray<{ position: string; arrivalMs: number }>,
  secondPrecision: boolean,
): StreamBatchInfo {
  const first = records[0];
  const last = records[records.length - 1];
  if (!first || !last) throw new Error('a failure record needs at least one record');
  return {
    shardId,
    startSequenceNumber: first.position,
    endSequenceNumber: last.position,
    approximateArrivalOfFirstRecord: isoTime(first.arrivalMs, secondPrecision),
    approximateArrivalOfLastRecord: isoTime(last.arrivalMs, secondPrecision),
    batchSize: records.length,
    streamArn,
  };
}

export function buildStreamFailureRecord(input: {
  requestId: string;
  functionArn: string;
  condition: StreamFailureCondition;
  approximateInvokeCount: number;
  responseContext: StreamResponseContext | null;
  timestampMs: number;
  /** `{ KinesisBatchInfo: ... }`, `{ DDBStreamBatchInfo: ... }` or a source's own (Kafka). */
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
