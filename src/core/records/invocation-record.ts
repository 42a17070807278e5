// The record Lambda sends to an async invocation's destinations (ASY-12, D-5).

export type AsyncCondition =
  'Success' | 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency' | 'RecursiveInvocationException';

export interface InvocationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: AsyncCondition;
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext?: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload?: unknown;
}

export interface InvocationRecordInput {
  timestampMs: number;
  requestId: string;
  /** Unqualified function ARN; the record carries it qualified (`:$LATEST`, version or alias). */
  functionArn: string;
  qualifier: string;
  condition: AsyncCondition;
  approximateInvokeCount: number;
  /** Original event bytes. */
  requestPayload: Buffer;
  /** The last invocation that ran, if any; without it the record has no responseContext (D-5). */
  response?: { statusCode: number; executedVersion: string; functionError?: string; payload: Buffer };
}

/** JSON bytes as a value; an empty body is null (a handler that returned nothing), non-JSON stays text. */
export function parsePayload(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function buildInvocationRecord(input: InvocationRecordInput): InvocationRecord {
  const record: InvocationRecord = {
    version: '1.0',
    timestamp: new Date(input.timestampMs).toISOString(),
    requestContext: {
      requestId: input.requestId,
      functionArn: `${input.functionArn}:${input.qualifier}`,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    requestPayload: parsePayload(input.requestPayload),
  };
  if (input.response) {
    const { statusCode, executedVersion, functionError } = input.response;
    record.responseContext =
      functionError === undefined ? { statusCode, executedVersion } : { statusCode, executedVersion, functionError };
    record.responsePayload = parsePayload(input.response.payload);
  }
  return record;
}
