// FN-14 / FN-21 / OPEN-3: the FunctionConfiguration view every Function API route renders.
import { describe, expect, it } from 'vitest';
import {
  codeDigest,
  lastModifiedString,
  listEntry,
  renderFunctionConfiguration,
  type FunctionFacts,
} from '../../../src/app/function-view.js';

const facts: FunctionFacts = {
  name: 'f',
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
  runtime: 'nodejs24.x',
  handler: 'index.handler',
  role: 'arn:aws:iam::000000000000:role/sluice',
  timeoutSeconds: 3,
  memorySizeMb: 128,
  code: codeDigest(Buffer.from('exports.handler = async () => 1;\n')),
  lastModifiedMs: Date.UTC(2026, 0, 2, 3, 4, 5, 67),
};

describe('FunctionConfiguration view', () => {
  it('FN-14 LastModified is YYYY-MM-DDThh:mm:ss.sss+0000 and CodeSha256 is base64', () => {
    expect(lastModifiedString(facts.lastModifiedMs)).toBe('2026-01-02T03:04:05.067+0000');
    const view = renderFunctionConfiguration(facts);
    expect(view.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(view.CodeSize).toBe(33);
    expect(view).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful', Version: '$LATEST' });
  });

  it('OPEN-3 always LoggingConfig, TracingConfig, EphemeralStorage, Architectures, PackageType, SnapStart; omits Environment never set', () => {
    const view = renderFunctionConfiguration(facts);
    expect(view).toMatchObject({
      LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/f' },
      TracingConfig: { Mode: 'PassThrough' },
      EphemeralStorage: { Size: 512 },
      Architectures: ['x86_64'],
      PackageType: 'Zip',
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    });
    expect(view).not.toHaveProperty('Environment');
    expect(view).not.toHaveProperty('DeadLetterConfig');
  });

  it('FN-14 RevisionId is a UUID, stable while nothing changes (not even with the time) and new on a change', () => {
    const a = renderFunctionConfiguration(facts).RevisionId;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(renderFunctionConfiguration({ ...facts, lastModifiedMs: 1 }).RevisionId).toBe(a);
    expect(renderFunctionConfiguration({ ...facts, timeoutSeconds: 4 }).RevisionId).not.toBe(a);
    expect(renderFunctionConfiguration({ ...facts, revisionId: 'given' }).RevisionId).toBe('given');
  });

  it('FN-21 list entries leave out State*, LastUpdateStatus* and RuntimeVersionConfig', () => {
    const entry = listEntry(
      renderFunctionConfiguration({
        ...facts,
        state: { State: 'Failed', StateReason: 'x', StateReasonCode: 'InvalidZipFileException' },
      }),
    );
    expect(Object.keys(entry).filter((k) => /^(State|LastUpdateStatus)/.test(k))).toEqual([]);
    expect(entry).toMatchObject({ FunctionName: 'f', Runtime: 'nodejs24.x' });
  });
});
