// The Kinesis-shaped batch description of an on-failure record (§3.7): `KinesisBatchInfo`, `DDBStreamBatchInfo`
// (arrival times with second precision) and `RedisStreamBatchInfo` share it. Here, not in core, because each
// connector returns its own batch-info part (StreamEvents.failureInfo) and connectors only import ports.

export interface StreamBatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  approximateArrivalOfFirstRecord: string;
  approximateArrivalOfLastRecord: string;
  batchSize: number;
  streamArn: string;
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
