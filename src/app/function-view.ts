// Lambda's FunctionConfiguration (FN-14, OPEN-3) of a function, rendered in one place for every function sluice
// knows: those of the config file (configuredFunctionFacts below) and those created over the API (their own facts).
// What was never configured is left out; LoggingConfig, TracingConfig, EphemeralStorage, Architectures, PackageType
// and SnapStart are always there.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CompiledConfig, CompiledFunction } from '../config/compile.js';
import { parseHandler, resolveModuleFile } from '../runtimes/nodejs/handler-path.js';

/** The code of a function as Lambda reports it: bytes and base64 SHA-256 (of the zip, for a zip package). */
export interface CodeDigest {
  size: number;
  sha256: string;
}

/** What a FunctionConfiguration is rendered from. */
export interface FunctionFacts {
  name: string;
  /** Unqualified ARN ($LATEST). */
  arn: string;
  /** Lambda runtime identifier (`nodejs24.x`, `provided.al2023`, …). */
  runtime?: string;
  handler?: string;
  role: string;
  description?: string;
  timeoutSeconds: number;
  memorySizeMb: number;
  environment?: Record<string, string>;
  code: CodeDigest;
  lastModifiedMs: number;
  /** Given by the store of API-created functions; derived from the content otherwise (stable until it changes). */
  revisionId?: string;
  /** FN-15/FN-16; default Active / Successful. */
  state?: { State: string; StateReason?: string; StateReasonCode?: string };
  /** null: none yet (a function still being created, FN-13). */
  lastUpdate?: {
    LastUpdateStatus: string;
    LastUpdateStatusReason?: string;
    LastUpdateStatusReasonCode?: string;
  } | null;
  deadLetterTargetArn?: string;
  architecture?: 'x86_64' | 'arm64';
  logGroup?: string;
  /** API-created functions keep what their caller set (default PassThrough, Text, 512 MB). */
  tracingMode?: string;
  logging?: Record<string, string>;
  ephemeralStorageMb?: number;
  kmsKeyArn?: string;
}

/** FN-14's LastModified form: `YYYY-MM-DDThh:mm:ss.sss+0000`. */
export function lastModifiedString(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function codeDigest(bytes: Uint8Array): CodeDigest {
  return { size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('base64') };
}

/** The role shown for a function that names none (sluice does not assume roles). */
export function defaultRole(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/sluice`;
}

/** A UUID-formatted digest of `text`: equal content gives an equal RevisionId, any change a new one. */
function contentUuid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** GetFunctionConfiguration / GetFunction's `Configuration` (FN-14). */
export function renderFunctionConfiguration(f: FunctionFacts): Record<string, unknown> {
  const view: Record<string, unknown> = {
    FunctionName: f.name,
    FunctionArn: f.arn,
    ...(f.runtime === undefined ? {} : { Runtime: f.runtime }),
    Role: f.role,
    ...(f.handler === undefined ? {} : { Handler: f.handler }),
    CodeSize: f.code.size,
    Description: f.description ?? '',
    Timeout: f.timeoutSeconds,
    MemorySize: f.memorySizeMb,
    LastModified: lastModifiedString(f.lastModifiedMs),
    CodeSha256: f.code.sha256,
    Version: '$LATEST',
    ...(f.environment === undefined || Object.keys(f.environment).length === 0
      ? {}
      : { Environment: { Variables: { ...f.environment } } }),
    TracingConfig: { Mode: f.tracingMode ?? 'PassThrough' },
    ...(f.kmsKeyArn === undefined ? {} : { KMSKeyArn: f.kmsKeyArn }),
    ...(f.deadLetterTargetArn === undefined ? {} : { DeadLetterConfig: { TargetArn: f.deadLetterTargetArn } }),
    ...(f.state ?? { State: 'Active' }),
    ...(f.lastUpdate === null ? {} : (f.lastUpdate ?? { LastUpdateStatus: 'Successful' })),
    PackageType: 'Zip',
    Architectures: [f.architecture ?? 'x86_64'],
    EphemeralStorage: { Size: f.ephemeralStorageMb ?? 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: f.logging ?? { LogFormat: 'Text', LogGroup: f.logGroup ?? `/aws/lambda/${f.name}` },
  };
  // RevisionId last, over everything else except the time: stable until something changes.
  const { LastModified: _time, ...content } = view;
  view.RevisionId = f.revisionId ?? contentUuid(JSON.stringify(content));
  return view;
}

/** ListFunctions entries leave out State*, LastUpdateStatus* and RuntimeVersionConfig (FN-21). */
export function listEntry(configuration: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(configuration).filter(
      ([k]) => !k.startsWith('State') && !k.startsWith('LastUpdateStatus') && k !== 'RuntimeVersionConfig',
    ),
  );
}

/** The Lambda runtime a config-file function reports: the Node that runs it, or OS-only for other runtimes. */
function runtimeIdentifier(fn: CompiledFunction): string {
  if (fn.runtime === 'nodejs') return `nodejs${process.versions.node.split('.')[0] ?? ''}.x`;
  if (fn.runtime !== 'http' && fn.runtime !== 'lambda') return fn.runtime;
  return 'provided.al2023';
}

/**
 * The code of a config-file function. A nodejs function's CodeUri is a directory, not a zip: sluice reports the
 * handler's module file (its bytes and SHA-256; LastModified its mtime), which changes whenever the handler does and
 * costs one read. An http or lambda function has no code here: size 0, the digest of what it calls (Url, or the
 * remote function), LastModified the service's start.
 */
async function configuredCode(
  config: CompiledConfig,
  fn: CompiledFunction,
  startedMs: number,
): Promise<{ code: CodeDigest; lastModifiedMs: number; location?: string }> {
  const s = fn.settings;
  if (fn.runtime === 'nodejs' && typeof s.Handler === 'string') {
    const root = path.resolve(config.baseDir, typeof s.CodeUri === 'string' ? s.CodeUri : '.');
    try {
      const file = resolveModuleFile(root, parseHandler(s.Handler).modulePath);
      const [bytes, st] = await Promise.all([readFile(file), stat(file)]);
      return { code: codeDigest(bytes), lastModifiedMs: Math.floor(st.mtimeMs), location: root };
    } catch {
      // A handler that cannot be found is reported by Invoke (Runtime.ImportModuleError); here: no code.
      return { code: codeDigest(new Uint8Array()), lastModifiedMs: startedMs, location: root };
    }
  }
  const target = JSON.stringify([s.Url ?? null, s.FunctionName ?? fn.name, s.Qualifier ?? null]);
  return { code: { size: 0, sha256: codeDigest(Buffer.from(target)).sha256 }, lastModifiedMs: startedMs };
}

/** A config-file function's facts, and the directory its code lives in (GetFunction's Code.Location). */
export async function configuredFunctionFacts(
  config: CompiledConfig,
  fn: CompiledFunction,
  startedMs: number,
): Promise<{ facts: FunctionFacts; codeDirectory?: string }> {
  const { code, lastModifiedMs, location } = await configuredCode(config, fn, startedMs);
  const facts: FunctionFacts = {
    name: fn.name,
    arn: fn.arn,
    runtime: runtimeIdentifier(fn),
    handler: fn.runtime === 'nodejs' && typeof fn.settings.Handler === 'string' ? fn.settings.Handler : undefined,
    role: fn.role ?? defaultRole(config.accountId),
    description: fn.description,
    timeoutSeconds: Math.round(fn.timeoutMs / 1000),
    memorySizeMb: fn.memorySizeMb,
    environment: fn.environment,
    code,
    lastModifiedMs,
    deadLetterTargetArn: fn.async.deadLetterTargetArn,
    architecture: process.arch === 'arm64' ? 'arm64' : 'x86_64',
  };
  return { facts, codeDirectory: location };
}
