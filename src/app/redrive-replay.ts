// #21 redrive: what one failure-destination message is, and how it is replayed.
// - to a queue (the source the message came from): moved the AWS StartMessageMoveTask way, body and message
//   attributes kept;
// - to a function: an async invocation record (ASY-12) re-invokes it asynchronously with its requestPayload; a
//   stream on-failure record (§3.7) has its records read back from the stream and the function invoked with an event
//   built like the mapping's (Kafka's names offset ranges per partition, read back the same way); any other message (an async DLQ message, ASY-13: the original event) is the payload.
import { randomUUID } from 'node:crypto';
import type { QueueMessage } from '../ports/queue-source.js';
import type { DeliveryContext, Destination, OffsetRange } from '../ports/sources.js';
import type { StreamBatchInfo } from '../ports/stream-batch-info.js';
import type { Invoker } from '../core/invoke/types.js';
import type { Replayer, ReplayOutcome } from './redrive.js';
import type { StreamFetch } from './redrive-stream.js';

export type RedriveTarget = { kind: 'function'; name: string } | { kind: 'queue'; destination: Destination };

export interface ReplayDeps {
  invoker: Invoker;
  /** Queues an asynchronous invocation (resolves once stored). */
  invokeAsync(functionName: string, payload: Buffer, requestId: string): Promise<void>;
  /** Reads a stream failure record's records back, or says why it cannot. */
  fetchStream(info: StreamBatchInfo, signal: AbortSignal): Promise<StreamFetch>;
  /** Reads a failure record's offset ranges (Kafka's recordsInfo) back, with the mapping of `functionName` first. */
  fetchRanges(ranges: OffsetRange[], functionName: string, signal: AbortSignal): Promise<StreamFetch>;
}

/** The body of a queue message (SQS and memory queues put it in `record.body`). */
function bodyOf(msg: QueueMessage): string | undefined {
  const body = msg.record.body;
  return typeof body === 'string' ? body : undefined;
}

/** Lambda's message attributes of the event record, as the destination sends them again. */
function attributesOf(msg: QueueMessage): DeliveryContext['attributes'] {
  const out: NonNullable<DeliveryContext['attributes']> = {};
  const attrs = msg.record.messageAttributes;
  if (typeof attrs !== 'object' || attrs === null) return out;
  for (const [name, raw] of Object.entries(attrs as Record<string, Record<string, unknown>>)) {
    const type = typeof raw.dataType === 'string' ? raw.dataType : 'String';
    const value = type.startsWith('Binary') ? raw.binaryValue : raw.stringValue;
    if (typeof value === 'string') out[name] = { type, value };
  }
  return out;
}

type Parsed =
  | { kind: 'async'; payload: unknown; functionArn?: string }
  | { kind: 'stream'; key: string; info: StreamBatchInfo }
  | { kind: 'ranges'; key: string; ranges: OffsetRange[] }
  | { kind: 'unsupported'; key: string }
  | { kind: 'raw' };

/** Classifies a body: an async invocation record, a stream on-failure record, or a plain message. */
export function parseFailureRecord(body: string): Parsed {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return { kind: 'raw' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { kind: 'raw' };
  const o = v as Record<string, unknown>;
  const ctx = o.requestContext as Record<string, unknown> | undefined;
  if (typeof ctx !== 'object' || ctx === null) return { kind: 'raw' };
  if ('requestPayload' in o)
    return {
      kind: 'async',
      payload: o.requestPayload,
      ...(typeof ctx.functionArn === 'string' && { functionArn: ctx.functionArn }),
    };
  for (const [key, info] of Object.entries(o)) {
    if (!key.endsWith('BatchInfo') || typeof info !== 'object' || info === null) continue;
    const i = info as Record<string, unknown>;
    if (
      typeof i.shardId === 'string' &&
      typeof i.startSequenceNumber === 'string' &&
      typeof i.endSequenceNumber === 'string' &&
      typeof i.streamArn === 'string'
    )
      return { kind: 'stream', key, info: i as unknown as StreamBatchInfo };
    const ranges = rangesOf(i.recordsInfo);
    return ranges === undefined ? { kind: 'unsupported', key } : { kind: 'ranges', key, ranges };
  }
  return { kind: 'raw' };
}

/** KafkaBatchInfo.recordsInfo (KAF-17): first and last offset per shard (`topic-partition`). */
function rangesOf(info: unknown): OffsetRange[] | undefined {
  if (typeof info !== 'object' || info === null) return undefined;
  const out: OffsetRange[] = [];
  for (const [shardId, v] of Object.entries(info as Record<string, Record<string, unknown> | null>)) {
    const first = v?.firstRecordOffset;
    const last = v?.lastRecordOffset;
    if (typeof first !== 'string' || typeof last !== 'string' || !/^\d+$/.test(first) || !/^\d+$/.test(last))
      return undefined;
    out.push({ shardId, first, last });
  }
  return out.length > 0 ? out : undefined;
}

export function replayer(target: RedriveTarget, deps: ReplayDeps): Replayer {
  return async (msg, dryRun, signal) => {
    const body = bodyOf(msg);
    if (body === undefined) return { result: 'skipped', reason: 'the message has no text body' };
    if (target.kind === 'queue') {
      if (dryRun) return { result: 'would', detail: `move to ${target.destination.arn}` };
      // The body byte for byte (a Buffer is sent as is) and the message attributes.
      await target.destination.send(Buffer.from(body, 'utf8'), {
        functionName: 'sluice-redrive',
        attributes: attributesOf(msg),
      });
      return { result: 'replayed' };
    }
    const parsed = parseFailureRecord(body);
    switch (parsed.kind) {
      case 'async': {
        const payload = Buffer.from(JSON.stringify(parsed.payload ?? null), 'utf8');
        if (dryRun) return { result: 'would', detail: `invoke ${target.name} asynchronously (invocation record)` };
        await deps.invokeAsync(target.name, payload, randomUUID());
        return { result: 'replayed' };
      }
      case 'raw':
        if (dryRun) return { result: 'would', detail: `invoke ${target.name} asynchronously with the message body` };
        await deps.invokeAsync(target.name, Buffer.from(body, 'utf8'), randomUUID());
        return { result: 'replayed' };
      case 'unsupported':
        return { result: 'skipped', reason: `${parsed.key}: replaying these records is not offered yet` };
      case 'stream': {
        const { info } = parsed;
        const range = `${info.shardId} ${info.startSequenceNumber}..${info.endSequenceNumber}`;
        return replayStream(target.name, range, () => deps.fetchStream(info, signal), dryRun, deps, signal);
      }
      case 'ranges': {
        const range = parsed.ranges.map((r) => `${r.shardId} ${r.first}..${r.last}`).join(', ');
        const fetch = () => deps.fetchRanges(parsed.ranges, target.name, signal);
        return replayStream(target.name, range, fetch, dryRun, deps, signal);
      }
    }
  };
}

async function replayStream(
  fn: string,
  range: string,
  fetch: () => Promise<StreamFetch>,
  dryRun: boolean,
  deps: ReplayDeps,
  signal: AbortSignal,
): Promise<ReplayOutcome> {
  const fetched = await fetch();
  if ('gone' in fetched) return { result: 'skipped', reason: `${range}: ${fetched.gone}` };
  if (dryRun) return { result: 'would', detail: `invoke ${fn} with ${fetched.count} records of ${range}` };
  const r = await deps.invoker.invoke(
    fn,
    { requestId: randomUUID(), payload: fetched.event },
    { signal, source: 'esm' },
  );
  if (r.kind !== 'success') return { result: 'failed', reason: `${range}: ${r.kind}` };
  if (partlyFailed(r.payload)) return { result: 'failed', reason: `${range}: the function reported batchItemFailures` };
  return { result: 'replayed', detail: `${fetched.count} records` };
}

function partlyFailed(payload: Buffer): boolean {
  try {
    const v = JSON.parse(payload.toString('utf8')) as { batchItemFailures?: unknown } | null;
    return Array.isArray(v?.batchItemFailures) && v.batchItemFailures.length > 0;
  } catch {
    return false;
  }
}
