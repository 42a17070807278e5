// Error codes are a typed union (#16 item 3): sluice's own codes carry their retry default, Lambda's API exceptions
// derive it from the status, and a code from outside must be marked as such.
import { describe, expect, it } from 'vitest';
import { connectors } from '../../../connectors/index.js';
import { ERROR_CODES, LambdaApiError, ShardLostError, SluiceError, externalCode } from '../../../src/ports/errors.js';

describe('error codes', () => {
  it('a code outside the union fails typecheck; an outside code is marked with externalCode', () => {
    // @ts-expect-error 'InvalidConfiguration' is not one of sluice's codes
    expect(new SluiceError('InvalidConfiguration', 'x').code).toBe('InvalidConfiguration');
    // @ts-expect-error Lambda has no 'ResourceMissingException'
    expect(new LambdaApiError('ResourceMissingException', 404, 'x').statusCode).toBe(404);
    const throttled = new SluiceError(externalCode('ProvisionedThroughputExceededException'), 'slow down', {
      retryable: true,
    });
    expect(throttled).toMatchObject({ code: 'ProvisionedThroughputExceededException', retryable: true });
  });

  it('retryable defaults to the entry of its code, and an explicit option wins', () => {
    for (const [code, { retryable }] of Object.entries(ERROR_CODES))
      expect(new SluiceError(code as keyof typeof ERROR_CODES, 'x').retryable).toBe(retryable);
    expect(new SluiceError('InvalidConfig', 'x').retryable).toBe(false);
    expect(new SluiceError('NotReady', 'x').retryable).toBe(true);
    expect(new SluiceError('NotReady', 'x', { retryable: false }).retryable).toBe(false);
    expect(new ShardLostError('s-1')).toMatchObject({ code: 'ShardLost', retryable: false });
    expect(new SluiceError(externalCode('SomethingElse'), 'x').retryable).toBe(false);
  });

  it("sluice's own codes name no external system (ports are broker-neutral): SourceRebalancing is retryable", () => {
    // memory is sluice's own in-process broker, not an external system.
    const kinds = connectors.map((c) => c.kind.toLowerCase()).filter((k) => k !== 'memory');
    for (const code of Object.keys(ERROR_CODES))
      expect(
        kinds.filter((k) => code.toLowerCase().includes(k)),
        code,
      ).toEqual([]);
    expect(new SluiceError('SourceRebalancing', 'group is rebalancing').retryable).toBe(true);
  });

  it('Lambda API errors: 429 and 5xx may be retried, 4xx not', () => {
    expect(new LambdaApiError('TooManyRequestsException', 429, 'x').retryable).toBe(true);
    expect(new LambdaApiError('ServiceException', 500, 'x').retryable).toBe(true);
    expect(new LambdaApiError('InvalidParameterValueException', 400, 'x').retryable).toBe(false);
  });
});
