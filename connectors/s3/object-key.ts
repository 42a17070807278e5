// Object keys Lambda writes discarded records under (DEST-3, DEST-4, DA-10): a prefix, then the record's UTC time as
// YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random UUID>, no extension.
import { randomUUID } from 'node:crypto';

/** Streams: aws/lambda/<ESM-UUID>/<shard ID>/… (Kafka's shard ID is <topic>-<partition>, DA-10). */
export const streamKeyPrefix = (mappingId: string, shardId: string): string => `aws/lambda/${mappingId}/${shardId}`;

/** Async invocations: aws/lambda/async/<unqualified function name>/… */
export const asyncKeyPrefix = (functionName: string): string => `aws/lambda/async/${functionName}`;

export function objectKey(prefix: string, timeMs: number, uuid: string = randomUUID()): string {
  const iso = new Date(timeMs).toISOString(); // 2019-11-14T00:38:06.021Z
  const [date = '', time = ''] = iso.split('T');
  const [y, m, d] = date.split('-');
  return `${prefix}/${y}/${m}/${d}/${date}T${time.slice(0, 8).replaceAll(':', '.')}-${uuid}`;
}

/** The record's own `timestamp` (ISO-8601), else now. */
export function recordTimeMs(record: unknown): number {
  const ts = (record as { timestamp?: unknown } | null)?.timestamp;
  const ms = typeof ts === 'string' ? Date.parse(ts) : NaN;
  return Number.isNaN(ms) ? Date.now() : ms;
}
