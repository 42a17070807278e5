// The mapping rules the config file and the event source mapping API share (ESMAPI-9, ESMAPI-14).
import { describe, expect, it } from 'vitest';
import { MappingStateBoard, toMappingConfiguration } from '../../../src/app/mapping-view.js';
import { compileApiMapping } from '../../../src/config/api-mapping.js';
import { loadConfigText } from '../../../src/config/loader.js';

const queue = 'arn:aws:sqs:us-east-1:000000000000:q';
const load = (mappings: object[]) =>
  loadConfigText(
    JSON.stringify({
      connections: { sqs: { type: 'sqs', endpoint: 'http://127.0.0.1:9324' } },
      functions: { f: { Handler: 'x.handler', Timeout: 5 } },
      eventSourceMappings: mappings,
    }),
    'test.json',
    {},
  );

const current = {
  KMSKeyArn: 'arn:aws:kms:us-east-1:000000000000:key/k',
  MetricsConfig: { Metrics: ['EventCount'] },
  DocumentDBEventSourceConfig: { DatabaseName: 'db' },
  Tags: { team: 'a' },
};
// Acted on since #22 (provisioned mode): accepted without a warning and shown (DA-15).
const provisioned = { ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 3 } };

describe('mapping fields of the current API', () => {
  it('ESMAPI-9 current fields are accepted in the file, shown (Tags never), and each draws a not-acted-on warning', () => {
    const r = load([{ FunctionName: 'f', EventSourceArn: queue, ...current, ...provisioned }]);
    expect(r.problems).toEqual([]);
    expect(r.warnings.map((w) => w.path).sort()).toEqual(
      Object.keys(current)
        .map((k) => `eventSourceMappings[0].${k}`)
        .sort(),
    );
    expect(r.warnings.every((w) => w.message === 'accepted but not acted on by sluice')).toBe(true);
    const view = toMappingConfiguration(r.config!, r.config!.mappings[0]!, new MappingStateBoard(), 0);
    const { Tags: _tags, ...shown } = current;
    expect(view).toMatchObject({ ...shown, ...provisioned });
    expect(view).not.toHaveProperty('Tags');
  });

  it('ESMAPI-14 ScalingConfig with ProvisionedPollerConfig, and pollers out of order, are refused', () => {
    const r = load([
      {
        FunctionName: 'f',
        EventSourceArn: queue,
        ScalingConfig: { MaximumConcurrency: 2 },
        ProvisionedPollerConfig: { MinimumPollers: 5, MaximumPollers: 2 },
      },
    ]);
    expect(r.problems.map((p) => p.message)).toEqual([
      'cannot be set together with ScalingConfig',
      'MinimumPollers must not exceed MaximumPollers',
    ]);
  });

  it('ESMAPI-9 an SQS queue URL is accepted where a queue ARN is', () => {
    const url = 'https://sqs.us-east-1.amazonaws.com/000000000000/q';
    const r = load([{ FunctionName: 'f', EventSourceArn: url }]);
    expect(r.problems).toEqual([]);
    expect(r.config?.mappings[0]).toMatchObject({ kind: 'sqs', shape: 'queue', eventSourceArn: url });
  });

  it("ESMAPI-14 the API compiles with the file's rules and Lambda's messages", () => {
    const config = load([]).config!;
    const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(
      compileApiMapping(config, { UUID: uuid, FunctionName: 'f', EventSourceArn: queue, BatchSize: 11 }, []),
    ).toEqual({
      problems: ['Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10'],
    });
    expect(
      compileApiMapping(
        config,
        { UUID: uuid, FunctionName: 'f', EventSourceArn: queue, StartingPosition: 'LATEST' },
        [],
      ).problems,
    ).toEqual(['StartingPosition: not supported for sqs sources']);
    expect(
      compileApiMapping(config, { UUID: uuid, FunctionName: 'f', EventSourceArn: queue, BatchSize: 0 }, []).problems,
    ).toEqual([expect.stringMatching(/^BatchSize: /)]);
    const ok = compileApiMapping(config, { UUID: uuid, FunctionName: 'f', EventSourceArn: queue }, []);
    expect(ok.problems).toEqual([]);
    expect(ok.mapping).toMatchObject({ uuid, batchSize: 10, maxBatchingWindowMs: 0, enabled: true });
  });
});
