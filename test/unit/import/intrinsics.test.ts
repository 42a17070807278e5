// #18 import: CloudFormation's intrinsic functions in their YAML short forms (the yaml package's custom tags) and long
// forms, evaluated against Parameters (Default or --parameter), Conditions, Mappings and the local resources.
import { describe, expect, it } from 'vitest';
import { Stack } from '../../../src/import/stack.js';
import { parseTemplate } from '../../../src/import/template.js';
import { options } from './kit.js';

const TEMPLATE = `
Parameters:
  Env: { Type: String, Default: dev, AllowedValues: [dev, prod] }
  Subnets: { Type: CommaDelimitedList, Default: "a,b,c" }
  NoDefault: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Either: !Or [!Condition IsProd, !Equals [x, x]]
Mappings:
  Sizes:
    dev: { Batch: 5 }
    prod: { Batch: 50 }
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: { QueueName: !Sub '\${Env}-orders', FifoQueue: true }
  Generated:
    Type: AWS::SQS::Queue
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: { Name: clicks }
  Table:
    Type: AWS::DynamoDB::Table
    Properties: { TableName: !Join ['-', [!Ref Env, table]] }
  Fn:
    Type: AWS::Serverless::Function
  Role:
    Type: AWS::IAM::Role
  Probe:
    Type: Custom::Probe
    Properties:
      Ref: !Ref Queue
      Arn: !GetAtt Queue.Arn
      Name: !GetAtt [Queue, QueueName]
      GeneratedName: !GetAtt Generated.QueueName
      StreamArn: !GetAtt Stream.Arn
      TableStream: !GetAtt Table.StreamArn
      FnArn: !GetAtt Fn.Arn
      Sub: !Sub '\${AWS::Region}:\${AWS::AccountId}:\${AWS::StackName}:\${Queue.Arn}:\${!Literal}'
      SubVars: !Sub ['\${A}-\${B}', { A: !Ref Env, B: !FindInMap [Sizes, !Ref Env, Batch] }]
      If: !If [IsProd, big, small]
      IfNot: !If [NotProd, yes-not-prod, no]
      Either: !If [Either, one, none]
      NoValue: !If [IsProd, x, !Ref AWS::NoValue]
      List: [a, !If [IsProd, b, !Ref AWS::NoValue], c]
      Select: !Select [1, !Ref Subnets]
      Split: !Split [',', 'x,y']
      Batch: !FindInMap [Sizes, !Ref Env, Batch]
      Base64: !Base64 hi
      Long: { 'Fn::Join': ['/', [{ Ref: Env }, { 'Fn::GetAtt': [Stream, Arn] }]] }
      Imported: !ImportValue shared-vpc
      Missing: !Ref NoSuchThing
      RoleArn: !GetAtt Role.Arn
      NoDefault: !Ref NoDefault
`;

function probe(parameters: Record<string, string> = {}) {
  const stack = new Stack(parseTemplate(TEMPLATE, 't.yaml'), options({ parameters }));
  const value = stack.resolver.resolve(stack.props('Probe'), 'Resources.Probe.Properties') as Record<string, unknown>;
  return { value, notes: stack.resolver.notes };
}

describe('#18 import: intrinsic functions', () => {
  it('short and long forms evaluate to local names, URLs and ARNs', () => {
    const { value } = probe();
    expect(value).toMatchObject({
      Ref: 'http://127.0.0.1:9324/000000000000/dev-orders.fifo',
      Arn: 'arn:aws:sqs:us-east-1:000000000000:dev-orders.fifo',
      Name: 'dev-orders.fifo',
      GeneratedName: 'shop-Generated',
      StreamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks',
      FnArn: 'arn:aws:lambda:us-east-1:000000000000:function:Fn',
      Sub: 'us-east-1:000000000000:shop:arn:aws:sqs:us-east-1:000000000000:dev-orders.fifo:${Literal}',
      SubVars: 'dev-5',
      If: 'small',
      IfNot: 'yes-not-prod',
      Either: 'one',
      List: ['a', 'c'],
      Select: 'b',
      Split: ['x', 'y'],
      Batch: 5,
      Base64: 'aGk=',
      Long: 'dev/arn:aws:kinesis:us-east-1:000000000000:stream/clicks',
    });
    expect(value).not.toHaveProperty('NoValue');
    // The stream label is the server's: a placeholder until the table exists.
    expect(value.TableStream).toBe(
      'arn:aws:dynamodb:us-east-1:000000000000:table/dev-table/stream/unknown-until-created',
    );
  });

  it('--parameter overrides a Default, and conditions follow it', () => {
    const { value } = probe({ Env: 'prod' });
    expect(value).toMatchObject({ If: 'big', IfNot: 'no', NoValue: 'x', List: ['a', 'b', 'c'], Batch: 50 });
    expect(value.Arn).toBe('arn:aws:sqs:us-east-1:000000000000:prod-orders.fifo');
  });

  it('what cannot be evaluated locally is listed with its template path and left out', () => {
    const { value, notes } = probe();
    for (const key of ['Imported', 'Missing', 'RoleArn', 'NoDefault']) expect(value).not.toHaveProperty(key);
    expect(notes).toEqual(
      expect.arrayContaining([
        { path: 'Parameters.NoDefault', message: 'no Default and no --parameter value: references to it are left out' },
        {
          path: 'Resources.Probe.Properties.Imported',
          message: `Fn::ImportValue "shared-vpc": another stack's export is not known locally`,
        },
        { path: 'Resources.Probe.Properties.Missing', message: 'Ref NoSuchThing: no such parameter or resource' },
        {
          path: 'Resources.Probe.Properties.RoleArn',
          message: 'GetAtt Role.Arn: a AWS::IAM::Role has no local counterpart',
        },
      ]),
    );
  });

  it('a YAML syntax error names the line and column', () => {
    expect(() => parseTemplate('Resources:\n  A: [1, 2\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+:\d+: /);
  });
});
