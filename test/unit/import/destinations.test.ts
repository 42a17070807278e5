// #22 import of the SNS, EventBridge and S3 destinations: translated like SQS ones, with their connections and the
// resources --create-resources makes; a role the config refuses is an error naming the template path.
import { describe, expect, it } from 'vitest';
import { checkImported, importTemplate } from '../../../src/import/index.js';
import { options } from './kit.js';

const SAM = (onSuccess: string, onFailure: string, mappingFailure: string) => `
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      CodeUri: fn/
      EventInvokeConfig:
        DestinationConfig:
          OnSuccess: ${onSuccess}
          OnFailure: ${onFailure}
      Events:
        Stream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Stream.Arn
            StartingPosition: TRIM_HORIZON
            DestinationConfig:
              OnFailure: ${mappingFailure}
  Stream: { Type: AWS::Kinesis::Stream, Properties: { ShardCount: 1 } }
  Topic: { Type: AWS::SNS::Topic }
  Bus: { Type: AWS::Events::EventBus, Properties: { Name: results } }
  Bucket: { Type: AWS::S3::Bucket, Properties: { BucketName: Failed-Records } }
`;

const ARN = {
  topic: 'arn:aws:sns:us-east-1:000000000000:shop-Topic',
  bus: 'arn:aws:events:us-east-1:000000000000:event-bus/results',
  bucket: 'arn:aws:s3:::failed-records',
};

describe('#22 import: SNS, EventBridge and S3 destinations', () => {
  it('DEST-1 DEST-7 DEST-10: SAM Type SNS/EventBridge/S3 with !Ref/!GetAtt translate, with connections and resources', () => {
    const r = importTemplate(
      SAM(
        '{ Type: EventBridge, Destination: !GetAtt Bus.Arn }',
        '{ Type: SNS, Destination: !Ref Topic }',
        '{ Destination: !GetAtt Bucket.Arn }',
      ),
      '/app/template.yaml',
      options(),
    );
    const fn = (r.config.functions as Record<string, Record<string, unknown>>).Fn;
    expect(fn?.EventInvokeConfig).toEqual({
      DestinationConfig: { OnSuccess: { Destination: ARN.bus }, OnFailure: { Destination: ARN.topic } },
    });
    const [m] = r.config.eventSourceMappings as Array<Record<string, unknown>>;
    expect(m?.DestinationConfig).toEqual({ OnFailure: { Destination: ARN.bucket } });
    expect(Object.keys(r.config.connections as object)).toEqual(['eventbridge', 'kinesis', 's3', 'sns']);
    expect(r.resources.destinations).toEqual([
      { logicalId: 'Topic', kind: 'sns', name: 'shop-Topic' },
      { logicalId: 'Bus', kind: 'eventbridge', name: 'results' },
      { logicalId: 'Bucket', kind: 's3', name: 'failed-records' },
    ]);
    expect(r.notes.filter((n) => /Destination|Topic|Bus|Bucket/.test(n.path))).toEqual([]);
    expect(checkImported(r, '/app/sluice.json').problems).toEqual([]);
  });

  it('DEST-2: an S3 bucket as async OnSuccess is an error naming the template path', () => {
    const t = SAM(`{ Destination: ${ARN.bucket} }`, `{ Destination: ${ARN.topic} }`, `{ Destination: ${ARN.topic} }`);
    expect(() => importTemplate(t, '/app/template.yaml', options())).toThrow(
      /Resources\.Fn\.Properties\.EventInvokeConfig\.DestinationConfig\.OnSuccess\.Destination: .*S3 bucket only takes OnFailure/,
    );
  });

  it('DEST-11: an EventBridge bus as a mapping OnFailure is an error naming the template path', () => {
    const t = SAM(`{ Destination: ${ARN.bus} }`, `{ Destination: ${ARN.bus} }`, '{ Destination: !GetAtt Bus.Arn }');
    expect(() => importTemplate(t, '/app/template.yaml', options())).toThrow(
      /Resources\.Fn\.Properties\.Events\.Stream\.Properties\.DestinationConfig\.OnFailure\.Destination: .*EventBridge bus only takes async/,
    );
  });

  it('serverless.yml destinations with SNS, EventBridge and S3 ARNs translate', () => {
    const text = `service: s
provider: { name: aws }
functions:
  f:
    handler: h.x
    destinations: { onSuccess: '${ARN.bus}', onFailure: '${ARN.bucket}' }
    events:
      - stream: { arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', destinations: { onFailure: '${ARN.topic}' } }
`;
    const r = importTemplate(text, 's.yml', options());
    const fn = (r.config.functions as Record<string, Record<string, unknown>>).f;
    expect(fn?.EventInvokeConfig).toEqual({
      DestinationConfig: { OnSuccess: { Destination: ARN.bus }, OnFailure: { Destination: ARN.bucket } },
    });
    const [m] = r.config.eventSourceMappings as Array<Record<string, unknown>>;
    expect(m?.DestinationConfig).toEqual({ OnFailure: { Destination: ARN.topic } });
    expect(checkImported(r, '/app/sluice.json').problems).toEqual([]);
  });
});
