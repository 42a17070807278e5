// ERR-6 / REC-1..REC-7 / OPEN-25 / OPEN-26: a function chained to itself through its destinations is stopped at
// its 17th invocation in the chain. Before the guard, a function that was its own OnSuccess destination ran
// forever (1,313 invocations in 10 s, issue #13).
import { describe, expect, it } from 'vitest';
import { lineageCount, lineageHash, withLineage } from '../../../../src/core/async/lineage.js';
import { ASYNC_METRICS } from '../../../../src/core/async/metric-names.js';
import { fnError, ok } from './helpers.js';
import { ARN, DLQ, ON_FAILURE, ON_SUCCESS, setup } from './setup.js';

const H = lineageHash(ARN);

/** Plays app/destinations' Lambda destination: a record sent to `ARN` is submitted again with its trace header. */
async function runChain(t: ReturnType<typeof setup>, passes: number): Promise<void> {
  let forwarded = 0;
  for (let i = 0; i < passes; i++) {
    await t.at(0);
    const toSelf = t.destinations.to(ARN);
    for (const s of toSelf.slice(forwarded))
      await t.engine.submit(
        'my-function',
        Buffer.from(JSON.stringify(s.record)),
        `hop-${i}`,
        undefined,
        s.ctx.traceHeader,
      );
    forwarded = toSelf.length;
  }
}

describe('recursion guard (ERR-6, REC-2, REC-5, REC-7)', () => {
  it('OPEN-25 Lineage: reads and sets this function entry, keeps other fields and entries', () => {
    expect(lineageCount(undefined, H)).toBe(0);
    expect(lineageCount(`Root=1-a;Lineage=deadbeef:3|${H}:5`, H)).toBe(5);
    expect(withLineage(undefined, H, 1)).toBe(`Lineage=${H}:1`);
    expect(withLineage('Root=1-a;Sampled=0;Lineage=deadbeef:3', H, 1)).toBe(
      `Root=1-a;Sampled=0;Lineage=deadbeef:3|${H}:1`,
    );
    expect(withLineage(`Root=1-a;Lineage=${H}:4|deadbeef:3`, H, 5)).toBe(`Root=1-a;Lineage=${H}:5|deadbeef:3`);
  });

  it('ERR-6 REC-2 REC-7 its own OnSuccess destination: 16 invocations, the 17th is stopped, counted and sent to the DLQ', async () => {
    const t = setup({ onSuccess: ARN, onFailure: undefined, deadLetterTargetArn: DLQ }, [ok({ again: true })]);
    await t.engine.submit('my-function', Buffer.from('{"start":1}'), 'origin');
    await runChain(t, 25);
    expect(t.invoker.calls).toHaveLength(16);
    expect(t.destinations.to(ARN).map((s) => s.ctx.traceHeader)).toEqual(
      Array.from({ length: 16 }, (_, i) => `Lineage=${H}:${i + 1}`),
    );
    expect(t.metrics.count(ASYNC_METRICS.recursiveDropped, { function: 'my-function' })).toBe(1);
    expect(
      t.metrics.count(ASYNC_METRICS.dropped, { function: 'my-function', reason: 'RecursiveInvocationException' }),
    ).toBe(1);
    const [dead] = t.destinations.to(DLQ);
    expect(dead?.ctx.attributes?.ErrorCode).toEqual({ type: 'Number', value: '400' });
    expect(dead?.ctx.attributes?.ErrorMessage?.value).toMatch(/recursive loop/);
    expect(
      t.logger.lines.some((l) => l.level === 'warn' && /recursive invocation loop stopped/.test(l.msg ?? '')),
    ).toBe(true);
    expect(await t.queue.depth()).toBe(0);
  });

  it('REC-5 OPEN-26 its own OnFailure destination: stopped after 16, the record is not fed back into the loop', async () => {
    const t = setup({ maximumRetryAttempts: 0, onFailure: ARN, deadLetterTargetArn: DLQ }, [fnError('again')]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'origin');
    await runChain(t, 25);
    expect(t.invoker.calls).toHaveLength(16);
    expect(t.destinations.to(ARN)).toHaveLength(16);
    expect(t.destinations.to(DLQ)).toHaveLength(17);
    expect(t.metrics.count(ASYNC_METRICS.recursiveDropped, { function: 'my-function' })).toBe(1);
    expect(await t.queue.depth()).toBe(0);
  });

  it('OPEN-26 the failure record of a stopped event: RecursiveInvocationException, no responseContext, never invoked', async () => {
    const t = setup({}, [ok({})]);
    await t.engine.submit('my-function', Buffer.from('{"x":1}'), 'req-loop', undefined, `Root=1-a;Lineage=${H}:16`);
    await t.at(0);
    expect(t.invoker.calls).toHaveLength(0);
    const record = t.destinations.to(ON_FAILURE)[0]?.record as Record<string, unknown>;
    expect(record).toMatchObject({
      requestContext: {
        requestId: 'req-loop',
        condition: 'RecursiveInvocationException',
        approximateInvokeCount: 0,
      },
      requestPayload: { x: 1 },
    });
    expect(record).not.toHaveProperty('responseContext');
  });

  it('REC-1 a trace header from the caller is kept and counted: 15 earlier runs allow one more', async () => {
    const t = setup({}, [ok({})]);
    await t.engine.submit('my-function', Buffer.from('{}'), 'req-15', undefined, `Root=1-a;Lineage=deadbeef:2|${H}:15`);
    await t.at(0);
    expect(t.invoker.calls).toHaveLength(1);
    expect(t.destinations.to(ON_SUCCESS)[0]?.ctx.traceHeader).toBe(`Root=1-a;Lineage=deadbeef:2|${H}:16`);
  });
});
