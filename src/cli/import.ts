// `sluice import TEMPLATE [-o FILE]` and `sluice start --template TEMPLATE`: a SAM/CloudFormation template or a
// serverless.yml as a sluice config, optionally creating its queues, streams, tables and topics first.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblems } from '../config/problems.js';
import type { ImportNote } from '../import/types.js';
import type { LoadResult } from '../config/loader.js';
import { checkImported, importTemplateFile, type ImportOptions, type ImportResult } from '../import/index.js';
import { createResources, existingStreamArns } from '../import/create.js';
import { EXIT, IMPORT_HELP } from './help.js';
import type { CliIo } from './io.js';

export const IMPORT_OPTIONS = {
  output: { type: 'string', short: 'o' },
  parameter: { type: 'string', short: 'p', multiple: true },
  option: { type: 'string', multiple: true },
  stage: { type: 'string' },
  'stack-name': { type: 'string' },
  region: { type: 'string', default: 'us-east-1' },
  'account-id': { type: 'string', default: '000000000000' },
  'sqs-endpoint': { type: 'string', default: 'http://127.0.0.1:9324' },
  'kinesis-endpoint': { type: 'string', default: 'http://127.0.0.1:4567' },
  'dynamodb-endpoint': { type: 'string', default: 'http://127.0.0.1:8000' },
  'kafka-brokers': { type: 'string', default: '127.0.0.1:9092' },
  'rabbitmq-url': { type: 'string', default: 'amqp://guest:guest@127.0.0.1:5672' },
  'sns-endpoint': { type: 'string', default: 'http://127.0.0.1:5000' },
  'eventbridge-endpoint': { type: 'string', default: 'http://127.0.0.1:5000' },
  's3-endpoint': { type: 'string', default: 'http://127.0.0.1:5000' },
  'create-resources': { type: 'boolean', default: false },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type ImportValues = ReturnType<typeof parseArgs<{ options: typeof IMPORT_OPTIONS }>>['values'];

function keyValues(list: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const eq = kv.indexOf('=');
    if (eq < 1) throw new Error(`${flag} takes KEY=VALUE, got "${kv}"`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

export function importOptions(template: string, v: ImportValues, configDir: string): ImportOptions {
  const options = keyValues(v.option, '--option');
  if (v.stage !== undefined) options.stage = v.stage;
  return {
    region: v.region,
    accountId: v['account-id'],
    stackName: v['stack-name'] ?? path.basename(template).replace(/\.[^.]*$/, ''),
    parameters: keyValues(v.parameter, '--parameter'),
    options,
    endpoints: {
      sqs: v['sqs-endpoint'],
      kinesis: v['kinesis-endpoint'],
      dynamodb: v['dynamodb-endpoint'],
      kafka: v['kafka-brokers'].split(',').map((b) => b.trim()),
      rabbitmq: v['rabbitmq-url'],
      sns: v['sns-endpoint'],
      eventbridge: v['eventbridge-endpoint'],
      s3: v['s3-endpoint'],
    },
    templateDir: path.dirname(path.resolve(template)),
    configDir,
  };
}

const formatNotes = (notes: ImportNote[]): string => notes.map((n) => `  ${n.path}: ${n.message}`).join('\n');

/** A template that cannot be read or translated (exit 2), as opposed to a server that failed (exit 1). */
class TemplateError extends Error {}

export interface Imported {
  result: ImportResult;
  loaded: LoadResult;
  /** Where the config is (or would be) written; relative paths in it are relative to its directory. */
  file: string;
}

/** Import, create resources when asked, and check the config; notes and created resources go to stderr. */
export async function runImportWith(template: string, v: ImportValues, file: string, io: CliIo): Promise<Imported> {
  const o = importOptions(template, v, path.dirname(path.resolve(file)));
  const translate = (tableStreamArns?: Record<string, string>) =>
    importTemplateFile(template, { ...o, tableStreamArns }).then(
      (r) => withPort(r, v.port),
      (err: unknown) => {
        throw new TemplateError((err as Error).message, { cause: err });
      },
    );
  let result = await translate();
  const log = (line: string) => io.stderr(`resource: ${line}\n`);
  const arns = v['create-resources']
    ? await createResources(result.resources, o.endpoints, o.region, log)
    : result.resources.tables.length > 0
      ? await existingStreamArns(result.resources.tables, o.endpoints.dynamodb!, o.region)
      : {};
  // Stream ARNs of DynamoDB tables carry a label only the server knows: translate again with them.
  if (Object.keys(arns).length > 0) result = await translate(arns);
  if (result.notes.length > 0)
    io.stderr(`${template}: not translated (${result.notes.length}):\n${formatNotes(result.notes)}\n`);
  const loaded = checkImported(result, file, io.env);
  // Handler files may appear only after a build (sam build, tsc): what validate will say is a warning here.
  if (loaded.config !== undefined) {
    const missing = checkImported(result, file, io.env, { handlerFiles: true }).problems;
    if (missing.length > 0) io.stderr(`handler files (sluice validate checks them):\n${formatProblems(missing)}\n`);
  }
  return { result, loaded, file };
}

/** --port: the Invoke API's port in the generated config (a template has none). */
function withPort(r: ImportResult, port: string | undefined): ImportResult {
  if (port === undefined) return r;
  if (!/^\d+$/.test(port)) throw new TemplateError(`--port takes a number, got "${port}"`);
  const { region, accountId, ...rest } = r.config;
  return { ...r, config: { region, accountId, server: { port: Number(port) }, ...rest } };
}

function parse(argv: string[], io: CliIo): { template: string; values: ImportValues } | number {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: IMPORT_OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) {
      io.stdout(IMPORT_HELP);
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new Error('one template file expected');
    return { template: positionals[0]!, values };
  } catch (err) {
    io.stderr(`${(err as Error).message}\n\n${IMPORT_HELP}`);
    return EXIT.usage;
  }
}

export async function runImport(argv: string[], io: CliIo): Promise<number> {
  const args = parse(argv, io);
  if (typeof args === 'number') return args;
  const out = args.values.output;
  let imported: Imported;
  try {
    imported = await runImportWith(args.template, args.values, out ?? 'sluice.json', io);
  } catch (err) {
    io.stderr(`sluice import: ${(err as Error).message}\n`);
    return err instanceof TemplateError ? EXIT.usage : EXIT.failure;
  }
  const text = `${JSON.stringify(imported.result.config, null, 2)}\n`;
  if (out === undefined) io.stdout(text);
  else await writeFile(out, text);
  const { loaded } = imported;
  if (loaded.config === undefined) {
    io.stderr(
      `the generated config is invalid (${loaded.problems.length} problem(s)):\n${formatProblems(loaded.problems)}\n`,
    );
    return EXIT.usage;
  }
  if (out !== undefined)
    io.stderr(
      `wrote ${out}: ${loaded.config.functions.size} function(s), ${loaded.config.mappings.length} mapping(s)\n`,
    );
  return EXIT.ok;
}

/** `sluice start --template F [import options]`: the config imported in memory, as if written next to F. */
export async function loadTemplateArgs(
  argv: string[],
  io: CliIo,
  help: string,
): Promise<{ name: string; result: LoadResult } | number> {
  let template: string;
  let values: ImportValues;
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...IMPORT_OPTIONS, template: { type: 'string' } },
      allowPositionals: false,
      strict: true,
    });
    if (parsed.values.help === true) {
      io.stdout(help);
      return EXIT.ok;
    }
    if (parsed.values.output !== undefined) throw new Error('--output is for sluice import');
    template = parsed.values.template!;
    values = parsed.values;
  } catch (err) {
    io.stderr(`${(err as Error).message}\n\n${help}`);
    return EXIT.usage;
  }
  const file = path.join(path.dirname(path.resolve(template)), 'sluice.json');
  try {
    const { loaded } = await runImportWith(template, values, file, io);
    return { name: template, result: loaded };
  } catch (err) {
    io.stderr(`sluice will not start: ${(err as Error).message}\n`);
    return err instanceof TemplateError ? EXIT.usage : EXIT.failure;
  }
}

export const wantsTemplate = (argv: string[]): boolean =>
  argv.some((a) => a === '--template' || a.startsWith('--template='));
