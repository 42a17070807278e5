// The one destination delivery shared by the stream engine (on-failure records) and the async engine (OnSuccess,
// OnFailure, DLQ): nothing is dropped, each failed round is counted, an outage is logged once.
import { describe, expect, it } from 'vitest';
import {
  DeliveryMetric,
  DestinationSender,
  sendUntilDelivered,
} from '../../../../src/core/delivery/destination-sender.js';
import type { Delivery } from '../../../../src/core/delivery/destination-sender.js';
import { destinationType } from '../../../../src/core/delivery/destination-type.js';
import { RecordingDestinations, RecordingLogger, RecordingMetrics, VirtualClock } from '../async/helpers.js';

const Q = 'arn:aws:sqs:us-east-1:123456789012:failures';

function setup(probeIntervalMs?: number) {
  const clock = new VirtualClock(0);
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const destinations = new RecordingDestinations();
  const sender = new DestinationSender({ metrics, logger, clock, probeIntervalMs });
  const delivery = (messages: unknown[], kind: Delivery['kind'] = 'destination'): Delivery => ({
    functionName: 'fn',
    kind,
    address: Q,
    destination: () => destinations.resolve(Q),
    messages,
    ctx: { functionName: 'fn' },
    log: { shardId: 's-1' },
  });
  const failures = () => metrics.count(DeliveryMetric.destinationFailures, { function: 'fn', destination_type: 'sqs' });
  return { clock, metrics, logger, destinations, sender, delivery, failures };
}

describe('DestinationSender (STR-30, ASY-10, ASY-13; nothing lost)', () => {
  it('STR-30 KAF-18 a retry resumes after the messages already sent; each failed round counts once', async () => {
    const t = setup();
    const d = t.delivery(['a', 'b', 'c']);
    let calls = 0;
    d.destination = () => {
      const real = t.destinations.resolve(Q);
      return { ...real, send: (r, c) => (++calls === 2 ? Promise.reject(new Error('down')) : real.send(r, c)) };
    };
    expect(await t.sender.send(d)).toBe(1);
    expect(t.failures()).toBe(1);
    expect(await t.sender.send(d, 1)).toBe(3);
    expect(t.destinations.to(Q).map((s) => s.record)).toEqual(['a', 'b', 'c']);
  });

  it('STR-30 ASY-10 an outage is logged once when it starts and once when it ends, not per round', async () => {
    const t = setup();
    t.destinations.failing.add(Q);
    for (let i = 0; i < 3; i++) expect(await t.sender.send(t.delivery(['x']))).toBe(0);
    t.destinations.failing.clear();
    expect(await t.sender.send(t.delivery(['x']))).toBe(1);
    expect(t.failures()).toBe(3);
    expect(t.logger.lines.map((l) => l.level)).toEqual(['error', 'debug', 'debug', 'info']);
    expect(t.logger.lines[0]?.obj).toEqual(expect.objectContaining({ destination: Q, shardId: 's-1', function: 'fn' }));
  });

  it('ASY-13 with a probe interval, rounds during an outage fail fast without a send; a DLQ counts DeadLetterErrors', async () => {
    const t = setup(1_000);
    t.destinations.failing.add(Q);
    expect(await t.sender.send(t.delivery(['x'], 'dead-letter'))).toBe(0);
    t.clock.t = 999;
    expect(await t.sender.send(t.delivery(['x'], 'dead-letter'))).toBe(0);
    expect(t.destinations.attempts.get(Q)).toBe(1);
    expect(t.metrics.count(DeliveryMetric.deadLetterErrors, { function: 'fn' })).toBe(2);
    t.clock.t = 1_000;
    t.destinations.failing.clear();
    expect(await t.sender.send(t.delivery(['x'], 'dead-letter'))).toBe(1);
  });

  it('STR-30 sendUntilDelivered retries with backoff until delivered, or gives up only when stopped', async () => {
    const t = setup();
    t.destinations.failing.add(Q);
    let blocked = 0;
    const stop = new AbortController();
    const retry = {
      clock: t.clock,
      delayMs: (n: number) => n * 100,
      signal: stop.signal,
      stopped: () => stop.signal.aborted,
      onFailure: () => {
        if (++blocked === 3) t.destinations.failing.clear();
      },
    };
    expect(await sendUntilDelivered(t.sender, t.delivery(['x']), retry)).toBe(true);
    expect(blocked).toBe(3);
    expect(t.destinations.to(Q)).toHaveLength(1);
    t.destinations.failing.add(Q);
    stop.abort();
    expect(await sendUntilDelivered(t.sender, t.delivery(['y']), retry)).toBe(false);
  });
});

describe('destinationType', () => {
  it('labels destinations by ARN service or URI scheme for the delivery-failure metric (streams and async alike)', () => {
    expect(destinationType('arn:aws:sqs:us-east-1:1:q')).toBe('sqs');
    expect(destinationType('arn:aws:sns:us-east-1:1:t')).toBe('sns');
    expect(destinationType('arn:aws:lambda:us-east-1:1:function:f')).toBe('lambda');
    expect(destinationType('arn:aws:events:us-east-1:1:event-bus/b')).toBe('events');
    expect(destinationType('arn:aws:s3:::bucket')).toBe('s3');
    expect(destinationType('kafka://failures')).toBe('kafka');
    expect(destinationType('nonsense')).toBe('unknown');
    expect(destinationType('weird')).toBe('unknown');
  });
});
