// #18 import: serverless.yml — provider defaults, ${self:}/${opt:}/${sls:} variables (${env:} kept for sluice's own
// substitution), sqs/stream/kafka/msk/rabbitmq events as mappings, destinations as async settings, and the queues
// and tables of resources.Resources; everything else listed by path.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkImported, importTemplate } from '../../../src/import/index.js';
import { options } from './kit.js';

const FILE = 'test/fixtures/import/serverless.yml';
const load = (stage?: string) =>
  importTemplate(readFileSync(FILE, 'utf8'), FILE, options(stage === undefined ? {} : { options: { stage } }));

describe('#18 import: serverless.yml', () => {
  const r = load('prod');
  const fns = r.config.functions as Record<string, Record<string, unknown>>;
  const mappings = r.config.eventSourceMappings as Array<Record<string, unknown>>;

  it('variables: ${opt:stage} with its fallback, ${self:...} nested, ${sls:stage}; ${env:} left for the loader', () => {
    expect(fns.invoices?.Environment).toEqual({
      Variables: { STAGE: 'prod', TABLE: 'billing-prod-invoices', SECRET: '${env:BILLING_SECRET}' },
    });
    expect(load().resources.queues.map((q) => q.name)).toEqual(['billing-dev-invoices', 'billing-dev-failed']);
    expect(mappings[0]?.BatchSize).toBe(25); // ${self:custom.batchSize} keeps its number type
  });

  it('functions: provider defaults, reservedConcurrency, retries and destinations (a function by name)', () => {
    expect(fns.invoices).toMatchObject({
      Handler: 'src/invoices.handler',
      Timeout: 20,
      MemorySize: 512,
      ReservedConcurrentExecutions: 4,
      EventInvokeConfig: {
        MaximumRetryAttempts: 1,
        DestinationConfig: {
          OnSuccess: { Destination: 'arn:aws:lambda:us-east-1:000000000000:function:audit' },
          OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:billing-prod-failed' },
        },
      },
    });
    expect(fns.audit).toMatchObject({ Handler: 'src/audit.handler', Timeout: 20 });
  });

  it('sqs, stream (dynamodb and kinesis), kafka, msk and rabbitmq events become mappings', () => {
    expect(mappings).toEqual([
      {
        FunctionName: 'invoices',
        EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:billing-prod-invoices',
        BatchSize: 25,
        MaximumBatchingWindowInSeconds: 2,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        FilterCriteria: { Filters: [{ Pattern: '{"body":{"kind":["invoice"]}}' }] },
      },
      {
        FunctionName: 'invoices',
        EventSourceArn:
          'arn:aws:dynamodb:us-east-1:000000000000:table/billing-prod-invoices/stream/unknown-until-created',
        StartingPosition: 'LATEST',
        MaximumRetryAttempts: 3,
        BisectBatchOnFunctionError: true,
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:billing-prod-failed' } },
      },
      {
        FunctionName: 'invoices',
        EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/payments',
        StartingPosition: 'TRIM_HORIZON', // the framework's default
      },
      {
        FunctionName: 'audit',
        Topics: ['audit'],
        SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['kafka-1.internal:9092'] } },
        StartingPosition: 'TRIM_HORIZON',
        SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'audit-prod' },
        Connection: 'kafka',
      },
      {
        FunctionName: 'audit',
        EventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/billing/abc-1',
        Topics: ['invoices'],
        StartingPosition: 'LATEST',
      },
      {
        FunctionName: 'audit',
        EventSourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:billing:b-1',
        Queues: ['invoices'],
        SourceAccessConfigurations: [{ Type: 'VIRTUAL_HOST', URI: '/billing' }],
      },
    ]);
  });

  it('resources: the queue RedrivePolicy, the table stream (key attributes only)', () => {
    expect(r.resources.queues[0]?.attributes.RedrivePolicy).toBe(
      JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:billing-prod-failed',
        maxReceiveCount: '3',
      }),
    );
    expect(r.resources.tables).toEqual([
      expect.objectContaining({
        name: 'billing-prod-invoices',
        attributes: [{ AttributeName: 'id', AttributeType: 'S' }],
        streamViewType: 'NEW_AND_OLD_IMAGES',
      }),
    ]);
    expect(r.resources.topics.map((t) => t.name)).toEqual(['audit', 'invoices']);
  });

  it('the output passes the config loader; plugins, iam, http events, indexes and credentials are listed', () => {
    expect(checkImported(r, '/app/sluice.json', { BILLING_SECRET: 's' }).problems).toEqual([]);
    expect(r.notes.map((n) => n.path)).toEqual(
      expect.arrayContaining([
        'plugins',
        'provider.iam',
        'resources.Resources.InvoicesTable.Properties.GlobalSecondaryIndexes',
        'functions.invoices.events[3]',
        'functions.audit.events[0].kafka.accessConfigurations',
        'functions.audit.events[2].rabbitmq.basicAuthArn',
      ]),
    );
  });

  it('a variable with no value is listed and left out', () => {
    const text =
      'service: s\nprovider: { name: aws }\nfunctions:\n  f:\n    handler: h.x\n    timeout: ${opt:timeout}\n';
    const out = importTemplate(text, 's.yml', options());
    expect(out.notes).toContainEqual({
      path: 'functions.f.timeout',
      message: '${opt:timeout}: no value (not set with --option or in the file)',
    });
    expect((out.config.functions as Record<string, object>).f).not.toHaveProperty('Timeout');
  });
});
