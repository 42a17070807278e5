// Records a stream batch gives up (STR-14, STR-15, D-4): the on-failure record as Lambda writes it, sent through the
// core's one DestinationSender until delivered, or counted as dropped when the mapping has no destination.
import { sendUntilDelivered } from '../delivery/destination-sender.js';
import { buildStreamFailureRecord, type StreamFailureCondition } from '../records/stream-failure-record.js';
import { fullJitterBackoffMs } from '../retry/backoff.js';
import type { BatchEntry, BatchHooks, Piece, RunnerContext } from './batch-types.js';
import type { GiveUpRequest } from './shard-operator.js';
import { StreamMetric } from './stream-metrics.js';

/** What the failure record reports of the invokes that included the records (D-3). */
export type FailedPiece = Pick<Piece, 'invokes' | 'lastRequestId' | 'lastResponse'>;

/**
 * Gives records up (STR-14): to the on-failure destination, or dropped and counted without one.
 * A failed destination delivery keeps the lane blocked and is retried with backoff, each failure counted in
 * destination_delivery_failures: AWS would drop the records (STR-30), but sluice promises that a record leaves only
 * as a success, a filtered record or a destination entry (DESIGN "Nothing lost"), so the checkpoint waits.
 * Returns false when a stop interrupted the delivery (the records stay unacknowledged).
 */
export async function giveUp(
  ctx: RunnerContext,
  entries: readonly BatchEntry[],
  condition: StreamFailureCondition,
  piece: FailedPiece,
  hooks: Pick<BatchHooks, 'onDone' | 'onStatus'>,
  operator?: GiveUpRequest,
): Promise<boolean> {
  if (entries.length === 0) return true;
  // #21 park: the operator's destination instead of the mapping's.
  const destination = operator?.destination ?? ctx.options.onFailure;
  ctx.logger.warn(
    { condition, records: entries.length, destination: destination?.arn, ...(operator && { operator: operator.note }) },
    'discarding stream records',
  );
  if (!destination) {
    ctx.metrics.inc(StreamMetric.dropped, ctx.labels, entries.length);
    hooks.onDone(entries, true);
    return true;
  }
  const record = failureRecord(ctx, entries, condition, piece);
  const records = entries.map((e) => e.record);
  // Who gave the records up, beside Lambda's own fields (#21).
  if (operator) record.sluiceOperator = { action: operator.action, ...operator.note };
  const messages = ctx.source.events.destinationRecords?.(destination.arn, ctx.shard, records, record) ?? [record];
  // Messages already delivered are not sent again when a later one fails and is retried.
  const delivered = await sendUntilDelivered(
    ctx.delivery,
    {
      functionName: ctx.options.functionName,
      kind: 'destination',
      address: destination.arn,
      destination: () => destination,
      messages,
      ctx: {
        functionName: ctx.options.functionName,
        batch: {
          mappingId: ctx.options.mappingId,
          shardId: ctx.shard.id,
          eventJson: () => ctx.source.events.event(ctx.shard, records).toString('utf8'),
        },
      },
      log: { shardId: ctx.shard.id, condition, records: entries.length }, // the sender's logger is the mapping's
    },
    {
      clock: ctx.clock,
      delayMs: (failures) => fullJitterBackoffMs(failures, ctx.options.retryBackoff, ctx.rng),
      signal: ctx.sleepSignal,
      stopped: () => ctx.isStopping() || ctx.signal.aborted,
      onFailure: () => {
        ctx.metrics.inc(StreamMetric.onFailureDeliveryErrors, ctx.labels);
        hooks.onStatus?.('blocked');
      },
    },
  );
  if (!delivered) return false;
  ctx.metrics.inc(StreamMetric.onFailureDelivered, ctx.labels, entries.length);
  hooks.onStatus?.('running');
  hooks.onDone(entries, true);
  return true;
}

function failureRecord(
  ctx: RunnerContext,
  entries: readonly BatchEntry[],
  condition: StreamFailureCondition,
  piece: FailedPiece,
): Record<string, unknown> {
  const { source, shard } = ctx;
  const records = entries.map((e) => e.record);
  const neverRan = piece.invokes === 0;
  return buildStreamFailureRecord({
    requestId: piece.lastRequestId ?? ctx.newId(),
    functionArn: ctx.options.functionArn,
    condition,
    // AWS reports 1 for records that expired before any invoke (as recorded); otherwise the invokes (D-3).
    approximateInvokeCount: condition === 'RecordAgeExceeded' ? Math.max(1, piece.invokes) : piece.invokes,
    // D-4: null when the function never ran for these records; KAF-17: null for an oversized payload.
    responseContext: neverRan || condition === 'MaximumPayloadSizeExceeded' ? null : piece.lastResponse,
    timestampMs: ctx.clock.now(),
    batchInfo: source.events.failureInfo(shard, records),
  });
}
