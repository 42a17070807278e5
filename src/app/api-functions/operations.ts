// CreateFunction, UpdateFunctionCode, UpdateFunctionConfiguration and DeleteFunction (FN-5..13, FN-22..27)
// over the state store. Functions of the config file stay authoritative: the API neither shadows nor changes them.
import { randomUUID } from 'node:crypto';
import { LambdaApiError } from '../../ports/errors.js';
import type { FunctionDefinition, FunctionStore, StoredFunction } from '../../ports/function-store.js';
import type { TagStore } from '../../ports/state.js';
import { checkTags } from '../../http/routes/tags.js';
import { declaredUnzippedSize, codeSha256, MAX_UNZIPPED_BYTES } from './code.js';
import type { FunctionRegistry } from './registry.js';
import * as v from './validate.js';
import { functionConfiguration, lastModified } from './view.js';

export interface FunctionApiDeps {
  registry: FunctionRegistry;
  store: FunctionStore;
  configured(name: string): boolean;
  region: string;
  accountId: string;
  /** Zip bytes the store may hold in all (tuning.functionCodeStorageMb). */
  codeStorageBytes: number;
  /** CreateFunction's Tags go here (FN-31); a deleted function's go with it. */
  tags?: TagStore;
  /** Why a DeadLetterConfig target may not be set over the API, or undefined when it may. */
  destinationProblem(address: string): string | undefined;
}

export type Answer = Record<string, unknown>;

const notFound = (arn: string) => new LambdaApiError('ResourceNotFoundException', 404, `Function not found: ${arn}`);
const conflict = (message: string) => new LambdaApiError('ResourceConflictException', 409, message);

function checkUnzippedSize(zip: Buffer): void {
  const size = declaredUnzippedSize(zip);
  if (size !== undefined && size > MAX_UNZIPPED_BYTES)
    throw v.invalid(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
}

function deadLetter(deps: FunctionApiDeps, value: unknown): { TargetArn: string } | undefined {
  const c = v.object(value, 'DeadLetterConfig');
  if (c === undefined) return undefined;
  const target = v.string(c.TargetArn, 'deadLetterConfig.targetArn', 256);
  if (target === undefined || target === '') return undefined;
  const problem = deps.destinationProblem(target);
  if (problem !== undefined) throw v.invalid(`DeadLetterConfig.TargetArn ${JSON.stringify(target)} ${problem}`);
  return { TargetArn: target };
}

export class FunctionApi {
  constructor(private readonly deps: FunctionApiDeps) {}

  private name(ref: unknown): string {
    return v.functionName(ref, this.deps.region, this.deps.accountId);
  }

  /** The stored function to change, or the error Lambda gives (FN-24, FN-25). */
  private async current(ref: string, revisionId: unknown): Promise<StoredFunction> {
    const name = this.name(ref);
    const arn = this.deps.registry.arn(name);
    if (this.deps.configured(name))
      throw v.invalid(
        `Function ${name} is defined in the config file; change it there (the API changes only functions it created)`,
      );
    const fn = await this.deps.store.get(name);
    if (fn === undefined) throw notFound(arn);
    if (fn.shown.State === 'Pending')
      throw conflict(
        `The operation cannot be performed at this time. The resource ${arn} is currently in the following state: 'Pending'. StateReasonCode: 'Creating'`,
      );
    if (fn.shown.LastUpdateStatus === 'InProgress')
      throw conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${arn}`);
    if (revisionId !== undefined && revisionId !== null && revisionId !== fn.shown.RevisionId)
      throw new LambdaApiError(
        'PreconditionFailedException',
        412,
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      );
    return fn;
  }

  private async write(next: StoredFunction, expected: string | undefined, arn: string): Promise<Answer> {
    if (!(await this.deps.store.put(next, expected))) {
      if (expected === undefined) throw conflict(`Function already exist: ${next.shown.FunctionName}`);
      // Lost the race to another update: like Lambda, the second of two concurrent updates is a conflict (FN-24).
      const now = await this.deps.store.get(next.shown.FunctionName);
      if (now === undefined) throw notFound(arn);
      if (now.shown.LastUpdateStatus === 'InProgress')
        throw conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${arn}`);
      throw new LambdaApiError(
        'PreconditionFailedException',
        412,
        'The function was changed by another request meanwhile; call GetFunction for the latest Revision Id',
      );
    }
    this.deps.registry.written(next);
    return functionConfiguration(next.shown, arn);
  }

  /** FN-5..13: 201 with State Pending; the package is checked and unpacked in the background. */
  async create(body: v.Body): Promise<Answer> {
    const name = this.name(body.FunctionName);
    const arn = this.deps.registry.arn(name);
    if (this.deps.configured(name)) throw conflict(`Function already exist: ${name} (defined in the config file)`);
    const role = v.role(body.Role);
    v.unsupported(body);
    const code = v.object(body.Code, 'Code');
    if (code === undefined) throw v.invalid('Code is required');
    const zip = v.zipFile(code);
    const runtime = v.runtime(body.Runtime);
    const handler = v.handler(body.Handler);
    const env = v.environment(body.Environment);
    const dlq = deadLetter(this.deps, body.DeadLetterConfig);
    const kms = v.string(body.KMSKeyArn, 'kMSKeyArn', 2048);
    const tags = body.Tags === undefined || body.Tags === null ? undefined : checkTags(body.Tags, {});
    const shown: FunctionDefinition = {
      FunctionName: name,
      Runtime: runtime,
      Role: role,
      Handler: handler,
      Description: v.string(body.Description, 'description', 256) ?? '',
      Timeout: v.intIn(body.Timeout, 'Timeout', 1, 900) ?? 3,
      MemorySize: v.intIn(body.MemorySize, 'MemorySize', 128, 10240) ?? 128,
      ...(env === undefined ? {} : { Environment: env }),
      ...(dlq === undefined ? {} : { DeadLetterConfig: dlq }),
      ...(kms === undefined ? {} : { KMSKeyArn: kms }),
      TracingConfig: v.tracingConfig(body.TracingConfig) ?? { Mode: 'PassThrough' },
      LoggingConfig: v.loggingConfig(body.LoggingConfig, name) ?? {
        LogFormat: 'Text',
        LogGroup: `/aws/lambda/${name}`,
      },
      Architectures: v.architectures(body.Architectures) ?? ['x86_64'],
      EphemeralStorage: v.ephemeralStorage(body.EphemeralStorage) ?? { Size: 512 },
      CodeSha256: codeSha256(zip),
      CodeSize: zip.length,
      LastModified: lastModified(Date.now()),
      RevisionId: randomUUID(),
      State: 'Pending',
      StateReason: 'The function is being created.',
      StateReasonCode: 'Creating',
    };
    checkUnzippedSize(zip);
    if (await this.deps.store.get(name)) throw conflict(`Function already exist: ${name}`);
    await this.storeCode(name, shown.CodeSha256, zip);
    const answer = await this.write({ shown }, undefined, arn);
    if (tags !== undefined) await this.deps.tags?.add(arn, tags);
    return answer;
  }

  /** FN-22: 200 with LastUpdateStatus InProgress; invocations keep the previous code until it settles. */
  async updateCode(ref: string, body: v.Body): Promise<Answer> {
    const fn = await this.current(ref, body.RevisionId);
    const name = fn.shown.FunctionName;
    v.unsupported({ Publish: body.Publish });
    const zip = v.zipFile(body);
    checkUnzippedSize(zip);
    const shown: FunctionDefinition = {
      ...fn.shown,
      Architectures: v.architectures(body.Architectures) ?? fn.shown.Architectures,
      CodeSha256: codeSha256(zip),
      CodeSize: zip.length,
      ...this.inProgress(),
    };
    if (body.DryRun === true) return functionConfiguration(fn.shown, this.deps.registry.arn(name));
    await this.storeCode(name, shown.CodeSha256, zip);
    return this.write({ shown, live: fn.live }, fn.shown.RevisionId, this.deps.registry.arn(name));
  }

  /** FN-23: omitted members keep their value; a present member replaces it whole. */
  async updateConfiguration(ref: string, body: v.Body): Promise<Answer> {
    const fn = await this.current(ref, body.RevisionId);
    const old = fn.shown;
    const name = old.FunctionName;
    v.unsupported(body);
    const has = (k: string) => body[k] !== undefined && body[k] !== null;
    const shown: FunctionDefinition = {
      ...old,
      ...(has('Role') ? { Role: v.role(body.Role) } : {}),
      ...(has('Handler') ? { Handler: v.handler(body.Handler) } : {}),
      ...(has('Runtime') ? { Runtime: v.runtime(body.Runtime) } : {}),
      Description: v.string(body.Description, 'description', 256) ?? old.Description,
      Timeout: v.intIn(body.Timeout, 'Timeout', 1, 900) ?? old.Timeout,
      MemorySize: v.intIn(body.MemorySize, 'MemorySize', 128, 10240) ?? old.MemorySize,
      TracingConfig: v.tracingConfig(body.TracingConfig) ?? old.TracingConfig,
      LoggingConfig: v.loggingConfig(body.LoggingConfig, name) ?? old.LoggingConfig,
      EphemeralStorage: v.ephemeralStorage(body.EphemeralStorage) ?? old.EphemeralStorage,
      ...this.inProgress(),
    };
    if (has('Environment')) {
      const env = v.environment(body.Environment);
      if (env === undefined || Object.keys(env.Variables).length === 0) delete shown.Environment;
      else shown.Environment = env;
    }
    if (has('DeadLetterConfig')) {
      const dlq = deadLetter(this.deps, body.DeadLetterConfig);
      if (dlq === undefined) delete shown.DeadLetterConfig;
      else shown.DeadLetterConfig = dlq;
    }
    if (has('KMSKeyArn')) shown.KMSKeyArn = v.string(body.KMSKeyArn, 'kMSKeyArn', 2048);
    return this.write({ shown, live: fn.live }, old.RevisionId, this.deps.registry.arn(name));
  }

  /** FN-27, OPEN-8: 204, synchronous; mappings of the function stay (their invokes then find no function). */
  async delete(ref: string, qualifier: string | undefined): Promise<void> {
    const name = this.name(ref);
    const arn = this.deps.registry.arn(name);
    if (qualifier === '$LATEST') throw v.invalid('$LATEST version cannot be deleted without deleting the function.');
    if (this.deps.configured(name))
      throw v.invalid(
        `Function ${name} is defined in the config file; remove it there (the API deletes only functions it created)`,
      );
    if (qualifier !== undefined && qualifier !== '') throw notFound(`${arn}:${qualifier}`);
    if (!(await this.deps.store.delete(name))) throw notFound(arn);
    this.deps.registry.forget(name);
    await this.deps.tags?.drop(arn);
  }

  /** FN-10: the code store is bounded, like Lambda's regional code storage. */
  private async storeCode(name: string, sha256: string, zip: Buffer): Promise<void> {
    if ((await this.deps.store.codeBytes()) + zip.length > this.deps.codeStorageBytes)
      throw new LambdaApiError(
        'CodeStorageExceededException',
        400,
        `Code storage limit exceeded: the state store keeps at most ${this.deps.codeStorageBytes} bytes of packages (tuning.functionCodeStorageMb)`,
      );
    await this.deps.store.putCode(name, sha256, zip);
  }

  /** A new revision whose update is in progress (an earlier failure's reason no longer applies). */
  private inProgress(): Pick<FunctionDefinition, 'LastModified' | 'RevisionId' | 'LastUpdateStatus'> & {
    LastUpdateStatusReason: undefined;
    LastUpdateStatusReasonCode: undefined;
  } {
    return {
      LastModified: lastModified(Date.now()),
      RevisionId: randomUUID(),
      LastUpdateStatus: 'InProgress',
      LastUpdateStatusReason: undefined,
      LastUpdateStatusReasonCode: undefined,
    };
  }
}
