// FN-4 / OPEN-1: the FunctionName forms of the Function API, resolved against sluice's account and region.
import { describe, expect, it } from 'vitest';
import { resolveFunctionRef } from '../../../src/http/routes/function-ref.js';

const scope = { region: 'eu-west-1', accountId: '123456789012' };
const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:my-fn';
const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'ok';
};

describe('resolveFunctionRef', () => {
  it('FN-4 a name, a partial ARN and a full ARN (percent-encoded as SDKs send it) name one function', () => {
    for (const raw of ['my-fn', '123456789012:function:my-fn', arn, encodeURIComponent(arn)])
      expect(resolveFunctionRef(scope, raw)).toEqual({ name: 'my-fn', qualifier: undefined, arn });
  });

  it('FN-4 a qualifier comes from the name or from ?Qualifier=, and the two must agree', () => {
    expect(resolveFunctionRef(scope, `${arn}:$LATEST`).qualifier).toBe('$LATEST');
    expect(resolveFunctionRef(scope, 'my-fn', new URLSearchParams('Qualifier=7')).qualifier).toBe('7');
    expect(resolveFunctionRef(scope, 'my-fn:7', new URLSearchParams('Qualifier=7')).qualifier).toBe('7');
    expect(code(() => resolveFunctionRef(scope, 'my-fn:7', new URLSearchParams('Qualifier=8')))).toBe(
      'InvalidParameterValueException',
    );
  });

  it('OPEN-1 an ARN of another account or region is not found; a malformed name is invalid', () => {
    expect(code(() => resolveFunctionRef(scope, arn.replace('eu-west-1', 'us-east-1')))).toBe(
      'ResourceNotFoundException',
    );
    expect(code(() => resolveFunctionRef(scope, '000000000000:function:my-fn'))).toBe('ResourceNotFoundException');
    for (const bad of ['my fn', 'a'.repeat(65), '%E0%A4%A', 'arn:aws:sqs:eu-west-1:123456789012:q'])
      expect(code(() => resolveFunctionRef(scope, bad))).toBe('InvalidParameterValueException');
  });
});
