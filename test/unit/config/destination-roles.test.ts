// Where each new destination may serve (DEST-1, DEST-7..10): S3 on failure only (stream mappings and async), SNS
// everywhere, EventBridge as async OnSuccess/OnFailure only. Refused with the field's path before anything connects.
import { describe, expect, it } from 'vitest';
import { compileApiMapping } from '../../../src/config/api-mapping.js';
import { loadConfigText } from '../../../src/config/loader.js';

const emu = (type: string) => ({ type, endpoint: 'http://127.0.0.1:1' });
const connections = { s3: emu('s3'), sns: emu('sns'), eventbridge: emu('eventbridge'), kinesis: emu('kinesis') };
const S3 = 'arn:aws:s3:::failed-records';
const SNS = 'arn:aws:sns:us-east-1:123456789012:alerts';
const BUS = 'arn:aws:events:us-east-1:123456789012:event-bus/results';
const STREAM = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';

function problems(fn: object, mappingOnFailure?: string) {
  const cfg = {
    connections,
    functions: { f: { Handler: 'functions/hello.handler', ...fn } },
    eventSourceMappings:
      mappingOnFailure === undefined
        ? []
        : [
            {
              FunctionName: 'f',
              EventSourceArn: STREAM,
              StartingPosition: 'LATEST',
              DestinationConfig: { OnFailure: { Destination: mappingOnFailure } },
            },
          ],
  };
  return loadConfigText(JSON.stringify(cfg), 'test.json', {}).problems;
}
const async = (onSuccess?: string, onFailure?: string) => ({
  EventInvokeConfig: {
    DestinationConfig: {
      ...(onSuccess && { OnSuccess: { Destination: onSuccess } }),
      ...(onFailure && { OnFailure: { Destination: onFailure } }),
    },
  },
});

describe('destination roles', () => {
  it('DEST-1 S3: a stream mapping OnFailure and an async OnFailure are accepted', () => {
    expect(problems(async(undefined, S3), S3)).toEqual([]);
  });

  it('DEST-1 S3: an async OnSuccess and a DLQ are refused', () => {
    expect(problems(async(S3))).toMatchObject([
      {
        path: 'functions.f.EventInvokeConfig.DestinationConfig.OnSuccess.Destination',
        message: expect.stringContaining('an S3 bucket can only be an OnFailure destination') as string,
      },
    ]);
    expect(problems({ DeadLetterConfig: { TargetArn: S3 } })).toMatchObject([
      { path: 'functions.f.DeadLetterConfig.TargetArn' },
    ]);
  });

  it('DEST-7..9 SNS: mapping OnFailure, async OnSuccess/OnFailure and DLQ are all accepted', () => {
    expect(problems({ ...async(SNS, SNS), DeadLetterConfig: { TargetArn: SNS } }, SNS)).toEqual([]);
  });

  it('DEST-10 EventBridge: async OnSuccess/OnFailure accepted; a mapping OnFailure and a DLQ refused', () => {
    expect(problems(async(BUS, BUS))).toEqual([]);
    expect(problems({}, BUS)).toMatchObject([
      {
        path: 'eventSourceMappings[0].DestinationConfig.OnFailure.Destination',
        message: expect.stringContaining('only be an OnSuccess or OnFailure destination of asynchronous') as string,
      },
    ]);
    expect(problems({ DeadLetterConfig: { TargetArn: BUS } })).toMatchObject([
      { path: 'functions.f.DeadLetterConfig.TargetArn' },
    ]);
  });

  it('a destination needs a connection of its own type (never the host credentials)', () => {
    const cfg = {
      connections: { kinesis: emu('kinesis') },
      functions: { f: { Handler: 'functions/hello.handler', ...async(SNS) } },
    };
    expect(loadConfigText(JSON.stringify(cfg), 'test.json', {}).problems).toMatchObject([
      { message: expect.stringMatching(/no connection of type sns/) as string },
    ]);
  });

  it('DEST-10 CreateEventSourceMapping over the API refuses an EventBridge OnFailure; DEST-1 takes an S3 one', () => {
    const config = loadConfigText(
      JSON.stringify({ connections, functions: { f: { Handler: 'functions/hello.handler' } } }),
      'test.json',
      {},
    ).config!;
    const mapping = (destination: string) => ({
      FunctionName: 'f',
      EventSourceArn: STREAM,
      StartingPosition: 'LATEST',
      DestinationConfig: { OnFailure: { Destination: destination } },
    });
    expect(compileApiMapping(config, mapping(BUS), []).problems).toEqual([
      expect.stringContaining('only be an OnSuccess or OnFailure destination of asynchronous invocation'),
    ]);
    expect(compileApiMapping(config, mapping(S3), []).problems).toEqual([]);
  });
});
