// Sources, destinations and remote functions reach a system only through a configured connection: the one they
// name, else the one named after the type, else the only one of the type. No implicit AWS endpoint, and the host's
// AWS credential chain only for a connection that says "default-chain" (README: compatibility notes).
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/loader.js';

const fn = { Handler: 'functions/hello.handler' };
const sqs = 'arn:aws:sqs:us-east-1:000000000000:orders';
const emu = (type: string, port = 9324) => ({ type, endpoint: `http://127.0.0.1:${port}` });
const load = (cfg: object) => loadConfigText(JSON.stringify({ functions: { f: fn }, ...cfg }), 'test.json', {});
const problems = (cfg: object) => load(cfg).problems;
const queueMapping = { FunctionName: 'f', EventSourceArn: sqs };

describe('a source without Connection', () => {
  it('uses the only connection of its type, whatever its name', () => {
    const r = load({ connections: { elasticmq: emu('sqs') }, eventSourceMappings: [queueMapping] });
    expect(r.problems).toEqual([]);
    expect(r.config?.mappings[0]).toMatchObject({ connectionName: 'elasticmq', connection: emu('sqs') });
  });

  it('uses the connection named after its type among several', () => {
    const r = load({ connections: { other: emu('sqs', 1), sqs: emu('sqs', 2) }, eventSourceMappings: [queueMapping] });
    expect(r.config?.mappings[0]?.connectionName).toBe('sqs');
  });

  it('fails validation when several connections fit and none is named after the type', () => {
    expect(
      problems({ connections: { a: emu('sqs', 1), b: emu('sqs', 2) }, eventSourceMappings: [queueMapping] }),
    ).toMatchObject([
      {
        path: 'eventSourceMappings[0].Connection',
        message: expect.stringMatching(/several connections of type sqs \(a, b\)/) as string,
      },
    ]);
  });

  it('fails validation when there is no connection of its type (never the AWS default endpoint)', () => {
    const p = problems({ connections: { kinesis: emu('kinesis') }, eventSourceMappings: [queueMapping] });
    expect(p).toMatchObject([
      {
        path: 'eventSourceMappings[0].Connection',
        message: expect.stringMatching(/no connection of type sqs.*"endpoint": "aws"/) as string,
      },
    ]);
  });

  it('Kafka with SelfManagedEventSource needs no connection and does not take one by default', () => {
    const kafka = {
      FunctionName: 'f',
      Topics: ['orders'],
      StartingPosition: 'LATEST',
      SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['10.0.0.1:9092'] } },
    };
    const r = load({
      connections: { kafka: { type: 'kafka', brokers: ['127.0.0.1:9092'] } },
      eventSourceMappings: [kafka],
    });
    expect(r.problems).toEqual([]);
    expect(r.config?.mappings[0]?.connection).toBeUndefined();
    expect(problems({ eventSourceMappings: [{ ...kafka, SelfManagedEventSource: undefined }] })[0]).toMatchObject({
      path: 'eventSourceMappings[0].Connection',
      message: expect.stringMatching(/Kafka needs SelfManagedEventSource or a connection/) as string,
    });
  });
});

describe('AWS connections: endpoint and credentials', () => {
  it('an AWS connection needs an endpoint: a URL, or "aws" for AWS itself', () => {
    expect(problems({ connections: { sqs: { type: 'sqs', region: 'us-east-1' } } })).toMatchObject([
      { path: 'connections.sqs.endpoint', message: expect.stringMatching(/"aws" for AWS itself/) as string },
    ]);
  });

  it('"endpoint": "aws" needs credentials: static keys or an explicit "default-chain"', () => {
    expect(problems({ connections: { sqs: { type: 'sqs', endpoint: 'aws' } } })).toMatchObject([
      { path: 'connections.sqs.credentials', message: expect.stringMatching(/"default-chain"/) as string },
    ]);
    expect(problems({ connections: { sqs: { type: 'sqs', endpoint: 'aws', credentials: 'default-chain' } } })).toEqual(
      [],
    );
    const keys = { accessKeyId: 'AKIA', secretAccessKey: 's' };
    expect(problems({ connections: { sqs: { type: 'sqs', endpoint: 'aws', credentials: keys } } })).toEqual([]);
  });
});

describe('destinations and remote functions', () => {
  it('an SQS destination with no sqs connection fails validation at its JSON path', () => {
    const f = { ...fn, DeadLetterConfig: { TargetArn: sqs } };
    expect(problems({ functions: { f } })).toMatchObject([
      {
        path: 'functions.f.DeadLetterConfig.TargetArn',
        message: expect.stringMatching(/no connection of type sqs/) as string,
      },
    ]);
    expect(problems({ functions: { f }, connections: { q: emu('sqs') } })).toEqual([]);
    const stream = {
      FunctionName: 'f',
      EventSourceArn: 'memory://stream/s',
      StartingPosition: 'LATEST',
      DestinationConfig: { OnFailure: { Destination: sqs } },
    };
    expect(problems({ eventSourceMappings: [stream] })[0]?.path).toBe(
      'eventSourceMappings[0].DestinationConfig.OnFailure.Destination',
    );
  });

  it('Runtime lambda: explicit endpoint and credentials; the host chain only with "default-chain"', () => {
    const remote = { Runtime: 'lambda', RemoteFunctionName: 'billing' };
    expect(problems({ functions: { f: remote } })[0]).toMatchObject({
      path: 'functions.f.Connection',
      message: expect.stringMatching(/Runtime lambda needs a connection/) as string,
    });
    const local = load({ functions: { f: remote }, connections: { sam: emu('lambda', 3001) } });
    expect(local.config?.functions.get('f')?.settings).toMatchObject({
      Endpoint: 'http://127.0.0.1:3001',
      Credentials: { accessKeyId: 'sluice', secretAccessKey: 'sluice' },
    });
    const aws = load({
      functions: { f: remote },
      connections: { lambda: { type: 'lambda', endpoint: 'aws', region: 'eu-west-1', credentials: 'default-chain' } },
    });
    expect(aws.config?.functions.get('f')?.settings).toMatchObject({
      Endpoint: undefined,
      Credentials: undefined,
      Region: 'eu-west-1',
    });
  });
});
