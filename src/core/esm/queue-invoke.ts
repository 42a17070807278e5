// Invokes one queue batch until it has an outcome: success, function failure (whole or partial), or given up.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type { InvokeResult } from '../../ports/function-runtime.js';
import type { Logger } from '../../ports/logger.js';
import type { QueueEvents } from '../../ports/queue-source.js';
import type { Invoker } from '../invoke/types.js';
import { exponentialCeilingMs } from '../retry/backoff.js';
import { readBatchResponse, type BatchResponseVerdict } from './queue-batch-response.js';
import type { HeldMessage } from './queue-buffer.js';
import { QueueMetric, type QueueMappingMetrics } from './queue-metrics.js';
import type { ResolvedQueueOptions } from './queue-options.js';
import type { QueueScaler } from './queue-scaler.js';

export interface Outcome {
  /** Ids of the messages that were not processed; every other message of the batch succeeded. */
  failedIds: ReadonlySet<string>;
  /**
   * Why they failed: `function` (error, invalid or partial response), `expired` (throttles and system errors
   * outlasted the visibility timeout: the queue takes them back), `stopped` (sluice lets go of them).
   */
  cause?: 'function' | 'expired' | 'stopped';
}

export interface BatchInvokerDeps {
  o: ResolvedQueueOptions;
  events: QueueEvents;
  invoker: Invoker;
  scaler: QueueScaler;
  m: QueueMappingMetrics;
  clock: Clock;
  log: Logger;
  /** Aborts running invocations (stop after its grace period). */
  signal: AbortSignal;
  stopping(): boolean;
  pause(ms: number): Promise<void>;
}

const SUCCESS: Outcome = { failedIds: new Set() };

export class BatchInvoker {
  constructor(private readonly d: BatchInvokerDeps) {}

  /**
   * SQS-14: throttles and system errors retry the same batch with backoff (honouring Retry-After) until the
   * messages' visibility timeout would run out; a source without one (on-nack) keeps them, so until stop.
   */
  async invoke(items: readonly HeldMessage[]): Promise<Outcome> {
    const { o, m, log } = this.d;
    const n = items.length;
    const all = new Set(items.map((h) => h.msg.id));
    const payload = this.d.events.event(items.map((h) => h.msg));
    const deadline = Math.min(...items.map((h) => h.visibleUntil));
    for (let attempt = 1; ; attempt++) {
      const result = await this.#invokeOnce(payload);
      switch (result.kind) {
        case 'success': {
          m.count(QueueMetric.invoked, n);
          if (!o.reportBatchItemFailures) return SUCCESS;
          const verdict = this.#readResponse(result.payload, items);
          if (verdict.kind === 'all-succeeded') return SUCCESS;
          if (verdict.kind === 'partial') {
            m.count(QueueMetric.failedInvoke, verdict.failedIds.size); // SQS-22
            return { failedIds: verdict.failedIds, cause: 'function' };
          }
          m.count(QueueMetric.failedInvoke, n);
          m.count(QueueMetric.invokeErrors, 1);
          log.warn({ reason: verdict.reason }, 'invalid batch item failure response: the whole batch failed');
          return { failedIds: all, cause: 'function' };
        }
        case 'function-error':
          // SQS-11, SQS-20, RMQ-17: the whole batch failed.
          m.count(QueueMetric.invoked, n);
          m.count(QueueMetric.failedInvoke, n);
          m.count(QueueMetric.invokeErrors, 1);
          this.d.scaler.onFunctionError(o.reportBatchItemFailures);
          return { failedIds: all, cause: 'function' };
        case 'throttle':
          this.d.scaler.onThrottle();
          break;
        case 'system-error':
          m.count(QueueMetric.failedInvoke, n);
          m.count(QueueMetric.invokeErrors, 1);
          break;
      }
      if (this.d.signal.aborted || this.d.stopping()) return { failedIds: all, cause: 'stopped' };
      const retryAfterMs = result.kind === 'throttle' ? (result.retryAfterSeconds ?? 0) * 1000 : 0;
      const backoff = exponentialCeilingMs(attempt, { baseMs: o.retryBackoff.initialMs, maxMs: o.retryBackoff.maxMs });
      const delay = Math.max(backoff, retryAfterMs);
      if (this.d.clock.now() + delay >= deadline) {
        log.warn(
          { kind: result.kind, attempts: attempt },
          'could not invoke before the visibility timeout ran out; messages go back to the queue',
        );
        return { failedIds: all, cause: 'expired' };
      }
      await this.d.pause(delay);
    }
  }

  /**
   * SQS-17..19 through the source's item identifiers. A source without them has no partial batch responses
   * (RMQ-17): any reported failure fails the whole batch.
   */
  #readResponse(payload: Buffer, items: readonly HeldMessage[]): BatchResponseVerdict {
    const identify = this.d.events.itemIdentifier?.bind(this.d.events);
    if (identify === undefined) {
      const verdict = readBatchResponse(payload, new Set());
      if (verdict.kind === 'all-succeeded') return verdict;
      return { kind: 'all-failed', reason: 'the source has no partial batch responses' };
    }
    const idOf = new Map(items.map((h) => [identify(h.msg), h.msg.id]));
    const verdict = readBatchResponse(payload, new Set(idOf.keys()));
    if (verdict.kind !== 'partial') return verdict;
    return { kind: 'partial', failedIds: new Set([...verdict.failedIds].map((i) => idOf.get(i) ?? i)) };
  }

  async #invokeOnce(payload: Buffer): Promise<InvokeResult> {
    try {
      return await this.d.invoker.invoke(
        this.d.o.functionName,
        { requestId: randomUUID(), payload },
        { signal: this.d.signal, source: 'esm' },
      );
    } catch (err) {
      this.d.log.error({ err }, 'invoker failed');
      return { kind: 'system-error', statusCode: 500, errorType: 'ServiceException', message: String(err) };
    }
  }
}
