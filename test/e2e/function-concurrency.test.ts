// FN-28..30 through the built service, driven by @aws-sdk/client-lambda: Put/Get/DeleteFunctionConcurrency (applied
// to invocations at once, the unreserved floor, OPEN-10), GetAccountSettings, and server.api.readOnly on the
// Function API's writes (the server's guard). Build first: npm run build.
import {
  DeleteFunctionConcurrencyCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  ListTagsCommand,
  PutFunctionConcurrencyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, type Service } from './service.js';
import { arnOf, errorOf, idle, manyFunctions, serviceSet } from './function-api-kit.js';

const services = serviceSet();
let svc: Service;
let many: Service;
let small: Service;
let readOnly: Service;
let lambda: LambdaClient;
const clientOf = (s: Service) => services.client(s);

beforeAll(async () => {
  [svc, many, small, readOnly] = await Promise.all([
    services.start({ functions: { echo: { Handler: 'functions.echo', CodeUri: FIXTURES } } }),
    services.start({ concurrency: { accountLimit: 150 }, functions: manyFunctions(61) }),
    services.start({ concurrency: { accountLimit: 50 }, functions: { tiny: idle } }),
    services.start({ server: { port: 0, api: { readOnly: true } }, functions: { ro: idle } }),
  ]);
  lambda = clientOf(svc);
});

describe('FN-28..30 concurrency and account settings', () => {
  it('FN-28 put/get/delete a reservation; it applies to invocations at once', async () => {
    expect(await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'echo' }))).not.toHaveProperty(
      'ReservedConcurrentExecutions',
    );
    const put = await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'echo', ReservedConcurrentExecutions: 0 }),
    );
    expect(put.ReservedConcurrentExecutions).toBe(0);
    expect(
      (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: arnOf('echo') })))
        .ReservedConcurrentExecutions,
    ).toBe(0);
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'echo' }))).Concurrency).toEqual({
      ReservedConcurrentExecutions: 0,
    });
    // Reserved 0: every invocation is throttled (CON-2).
    const throttled = await errorOf(
      lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{}') })),
    );
    expect(throttled).toMatchObject({ name: 'TooManyRequestsException', status: 429 });
    const settings = await lambda.send(new GetAccountSettingsCommand({}));
    expect(settings.AccountLimit?.UnreservedConcurrentExecutions).toBe(1000);
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'echo', ReservedConcurrentExecutions: 5 }));
    expect((await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions).toBe(
      995,
    );
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'echo' }));
    expect(await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'echo' }))).not.toHaveProperty(
      'ReservedConcurrentExecutions',
    );
    const ok = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"x":1}') }));
    expect(ok.StatusCode).toBe(200);
    expect(ok.FunctionError).toBeUndefined();
  });

  it('FN-29 a reservation that leaves fewer than 100 unreserved is refused; FN-30 figures', async () => {
    const client = clientOf(many);
    const refused = await errorOf(
      client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'f00', ReservedConcurrentExecutions: 51 })),
    );
    expect(refused).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(refused.message).toBe(
      "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
    );
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'f00', ReservedConcurrentExecutions: 30 }));
    const second = await errorOf(
      client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'f01', ReservedConcurrentExecutions: 21 })),
    );
    expect(second.name).toBe('InvalidParameterValueException');
    // Replacing a function's own reservation counts it once.
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'f00', ReservedConcurrentExecutions: 50 }));
    const s = await client.send(new GetAccountSettingsCommand({}));
    expect(s.AccountLimit).toEqual({
      TotalCodeSize: 80530636800,
      CodeSizeUnzipped: 262144000,
      CodeSizeZipped: 52428800,
      ConcurrentExecutions: 150,
      UnreservedConcurrentExecutions: 100,
    });
    expect(s.AccountUsage).toEqual({ TotalCodeSize: 0, FunctionCount: 61 });
  });

  it('OPEN-10 an account limit under 100 keeps the whole limit as its floor ([50])', async () => {
    const client = clientOf(small);
    const refused = await errorOf(
      client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'tiny', ReservedConcurrentExecutions: 1 })),
    );
    expect(refused.message).toMatch(/minimum value of \[50\]\.$/);
    expect((await client.send(new GetAccountSettingsCommand({}))).AccountLimit?.ConcurrentExecutions).toBe(50);
  });

  it('FN-28 unknown function → 404; a qualifier → 400', async () => {
    expect((await errorOf(lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'nope' })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect(
      (
        await errorOf(
          lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'echo:1', ReservedConcurrentExecutions: 1 })),
        )
      ).name,
    ).toBe('InvalidParameterValueException');
  });
});

describe('server.api.readOnly', () => {
  it('FN-28/FN-31 reads answer; PutFunctionConcurrency, DeleteFunctionConcurrency, TagResource, UntagResource → 403', async () => {
    const client = clientOf(readOnly);
    const Resource = arnOf('ro');
    for (const write of [
      () => client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'ro', ReservedConcurrentExecutions: 1 })),
      () => client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'ro' })),
      () => client.send(new TagResourceCommand({ Resource, Tags: { a: 'b' } })),
      () => client.send(new UntagResourceCommand({ Resource, TagKeys: ['a'] })),
    ])
      expect(await errorOf(write())).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect((await client.send(new ListTagsCommand({ Resource }))).Tags).toEqual({});
    expect((await client.send(new GetFunctionCommand({ FunctionName: 'ro' }))).Configuration?.State).toBe('Active');
    expect(await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'ro' }))).not.toHaveProperty(
      'ReservedConcurrentExecutions',
    );
  });
});
