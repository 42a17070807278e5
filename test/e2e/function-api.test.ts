// The read side of the Function API through the built service, driven by @aws-sdk/client-lambda: FN-4 name forms,
// FN-14 FunctionConfiguration, FN-19..21 Get/List, FN-31 tags, FN-32, FN-33..36 waiters. Build first: npm run build.
import { randomUUID } from 'node:crypto';
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListFunctionEventInvokeConfigsCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  paginateListFunctions,
  waitUntilFunctionActive,
  waitUntilFunctionActiveV2,
  waitUntilFunctionExists,
  waitUntilFunctionUpdated,
  waitUntilFunctionUpdatedV2,
  type FunctionConfiguration,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, type Service } from './service.js';
import { ACCOUNT, arnOf, errorOf, manyFunctions, serviceSet } from './function-api-kit.js';

const MAPPING = randomUUID();
const MAPPING_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:event-source-mapping:${MAPPING}`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/service/echo-role`;

const services = serviceSet();
let svc: Service;
let many: Service;
let lambda: LambdaClient;
const clientOf = (s: Service) => services.client(s);

beforeAll(async () => {
  [svc, many] = await Promise.all([
    services.start({
      functions: {
        echo: {
          Handler: 'functions.echo',
          CodeUri: FIXTURES,
          Role: ROLE,
          Description: 'echoes',
          Timeout: 7,
          MemorySize: 256,
          Environment: { Variables: { A: '1' } },
          EventInvokeConfig: { MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 120 },
        },
        web: { Runtime: 'http', Url: 'http://127.0.0.1:1/never' },
      },
      eventSourceMappings: [{ UUID: MAPPING, FunctionName: 'echo', EventSourceArn: 'memory://queue/fnread' }],
    }),
    services.start({ functions: manyFunctions(61) }),
  ]);
  lambda = clientOf(svc);
});

describe('FN-19/FN-20 GetFunction and GetFunctionConfiguration', () => {
  it('FN-14 FunctionConfiguration of a config-file function: Active, Successful, code digest, settings', async () => {
    const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'echo' }));
    expect(c).toMatchObject({
      FunctionName: 'echo',
      FunctionArn: arnOf('echo'),
      Runtime: `nodejs${process.versions.node.split('.')[0]}.x`,
      Handler: 'functions.echo',
      Role: ROLE,
      Description: 'echoes',
      Timeout: 7,
      MemorySize: 256,
      Version: '$LATEST',
      Environment: { Variables: { A: '1' } },
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/echo' },
      TracingConfig: { Mode: 'PassThrough' },
      EphemeralStorage: { Size: 512 },
    });
    expect(c.CodeSize).toBeGreaterThan(0);
    expect(c.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(c.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const again = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'echo' }));
    expect(again.RevisionId).toBe(c.RevisionId);
  });

  it('OPEN-3 a function without Role or Environment: the default role, no Environment member', async () => {
    const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'web' }));
    expect(c.Role).toBe(`arn:aws:iam::${ACCOUNT}:role/sluice`);
    expect(c).not.toHaveProperty('Environment');
    expect(c.Runtime).toBe('provided.al2023');
  });

  it('FN-19 GetFunction: Configuration, Code {RepositoryType S3, Location}; no Tags or Concurrency when none', async () => {
    const f = await lambda.send(new GetFunctionCommand({ FunctionName: 'echo' }));
    expect(f.Configuration?.FunctionName).toBe('echo');
    expect(f.Code?.RepositoryType).toBe('S3');
    expect(f.Code?.Location).toMatch(/^file:\/\//);
    expect(f.Tags).toBeUndefined();
    expect(f.Concurrency).toBeUndefined();
  });

  it('FN-4 name, partial ARN, full ARN and $LATEST qualifier name the same function', async () => {
    for (const FunctionName of [
      'echo',
      `${ACCOUNT}:function:echo`,
      arnOf('echo'),
      'echo:$LATEST',
      `${arnOf('echo')}:$LATEST`,
    ]) {
      const f = await lambda.send(new GetFunctionCommand({ FunctionName }));
      expect(f.Configuration?.FunctionArn).toBe(arnOf('echo'));
    }
    const q = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'echo', Qualifier: '$LATEST' }));
    expect(q.FunctionName).toBe('echo');
  });

  it('FN-20/FN-4/OPEN-1 unknown function, unknown version, other account → 404; differing qualifiers → 400', async () => {
    expect(await errorOf(lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
      message: `Function not found: ${arnOf('nope')}`,
    });
    expect(
      await errorOf(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'echo', Qualifier: '1' }))),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Function not found: ${arnOf('echo')}:1`,
    });
    const foreign = 'arn:aws:lambda:us-east-1:123456789012:function:echo';
    expect((await errorOf(lambda.send(new GetFunctionCommand({ FunctionName: foreign })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect((await errorOf(lambda.send(new GetFunctionCommand({ FunctionName: 'echo:1', Qualifier: '2' })))).name).toBe(
      'InvalidParameterValueException',
    );
  });

  it('FN-1/FN-2 every answer carries x-amzn-RequestId; errors carry x-amzn-ErrorType', async () => {
    for (const path of [
      '/2015-03-31/functions/echo',
      '/2015-03-31/functions/',
      '/2016-08-19/account-settings',
      '/2015-03-31/functions/nope/configuration',
    ]) {
      const res = await fetch(`${svc.url}${path}`);
      expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      if (res.status === 404) expect(res.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    }
  });
});

describe('FN-33..36 waiters succeed at once', () => {
  it('FN-33 FunctionActiveV2, FN-34 FunctionUpdatedV2, FN-35 FunctionExists, FN-36 FunctionActive/FunctionUpdated', async () => {
    // Count the requests each waiter sends: success on the first attempt means one request, no retry delay.
    const client = clientOf(svc);
    const sent: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const params = { client, maxWaitTime: 30 };
    for (const wait of [
      waitUntilFunctionActiveV2,
      waitUntilFunctionUpdatedV2,
      waitUntilFunctionExists,
      waitUntilFunctionActive,
      waitUntilFunctionUpdated,
    ])
      expect((await wait(params, { FunctionName: 'echo' })).state).toBe('SUCCESS');
    expect(sent).toEqual([
      'GetFunctionCommand',
      'GetFunctionCommand',
      'GetFunctionCommand',
      'GetFunctionConfigurationCommand',
      'GetFunctionConfigurationCommand',
    ]);
  });
});

describe('FN-21 ListFunctions', () => {
  it('FN-21 lists $LATEST entries without State* or LastUpdateStatus*', async () => {
    const out = await lambda.send(new ListFunctionsCommand({}));
    expect(out.Functions?.map((f) => f.FunctionName).sort()).toEqual(['echo', 'web']);
    for (const f of out.Functions ?? []) {
      expect(Object.keys(f).filter((k) => /^(State|LastUpdateStatus)/.test(k))).toEqual([]);
      expect(f.Version).toBe('$LATEST');
    }
    expect(out.NextMarker).toBeUndefined();
    const all = await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
    expect(all.Functions?.map((f) => f.FunctionName).sort()).toEqual(['echo', 'web']);
  });

  it('FN-21 at most 50 per page whatever MaxItems; the paginator walks all 61', async () => {
    const client = clientOf(many);
    const pages: FunctionConfiguration[][] = [];
    for await (const page of paginateListFunctions({ client }, { MaxItems: 1000 })) pages.push(page.Functions ?? []);
    expect(pages.map((p) => p.length)).toEqual([50, 11]);
    const names = pages.flat().map((f) => f.FunctionName);
    expect(new Set(names).size).toBe(61);
    const small2 = [];
    for await (const page of paginateListFunctions({ client, pageSize: 7 }, {})) small2.push(page.Functions?.length);
    expect(small2).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 5]);
  });
});

describe('FN-31 tags', () => {
  it('FN-31 round trip on a function ARN and a mapping ARN; GetFunction shows them', async () => {
    for (const Resource of [arnOf('web'), MAPPING_ARN]) {
      expect((await lambda.send(new ListTagsCommand({ Resource }))).Tags).toEqual({});
      await lambda.send(new TagResourceCommand({ Resource, Tags: { team: 'data', env: 'dev', gone: '' } }));
      await lambda.send(new TagResourceCommand({ Resource, Tags: { env: 'prod' } }));
      await lambda.send(new UntagResourceCommand({ Resource, TagKeys: ['gone', 'absent'] }));
      expect((await lambda.send(new ListTagsCommand({ Resource }))).Tags).toEqual({ team: 'data', env: 'prod' });
    }
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'web' }))).Tags).toEqual({
      team: 'data',
      env: 'prod',
    });
  });

  it('FN-31 versions, unknown resources, reserved prefix and oversized keys are refused', async () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      [`${arnOf('web')}:1`, { a: 'b' }, 'InvalidParameterValueException'],
      [arnOf('nope'), { a: 'b' }, 'ResourceNotFoundException'],
      [
        `arn:aws:lambda:us-east-1:${ACCOUNT}:event-source-mapping:${randomUUID()}`,
        { a: 'b' },
        'ResourceNotFoundException',
      ],
      [arnOf('web'), { 'aws:x': 'b' }, 'InvalidParameterValueException'],
      [arnOf('web'), { ['k'.repeat(129)]: 'b' }, 'InvalidParameterValueException'],
      [arnOf('web'), { k: 'v'.repeat(257) }, 'InvalidParameterValueException'],
      [
        arnOf('web'),
        Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])),
        'InvalidParameterValueException',
      ],
    ];
    for (const [Resource, Tags, name] of cases)
      expect((await errorOf(lambda.send(new TagResourceCommand({ Resource, Tags })))).name).toBe(name);
  });
});

describe('FN-32 ListFunctionEventInvokeConfigs', () => {
  it('FN-32 lists the function’s config in ASY-9 shape; none → empty list', async () => {
    const out = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'echo' }));
    expect(out.FunctionEventInvokeConfigs).toHaveLength(1);
    expect(out.FunctionEventInvokeConfigs?.[0]).toMatchObject({
      FunctionArn: `${arnOf('echo')}:$LATEST`,
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 120,
    });
    expect(out.NextMarker).toBeUndefined();
    const none = await lambda.send(
      new ListFunctionEventInvokeConfigsCommand({ FunctionName: arnOf('web'), MaxItems: 50 }),
    );
    expect(none.FunctionEventInvokeConfigs).toEqual([]);
    expect((await errorOf(lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'nope' })))).name).toBe(
      'ResourceNotFoundException',
    );
  });
});
