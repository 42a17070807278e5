// `sluice import`: a SAM/CloudFormation template or a serverless.yml as a sluice config, with the notes of what was
// not translated and the resources --create-resources makes. The config is checked by the config loader.
import { readFile } from 'node:fs/promises';
import { loadConfigText, type LoadOptions, type LoadResult } from '../config/loader.js';
import { importSam } from './sam.js';
import { importServerless } from './serverless.js';
import { parseTemplate } from './template.js';
import { isRecord, type ImportOptions, type ImportResult } from './types.js';

export type { ImportNote, ImportOptions, ImportResult, TemplateResources, Endpoints } from './types.js';

const isServerless = (doc: Record<string, unknown>): boolean =>
  doc.Resources === undefined && (doc.service !== undefined || isRecord(doc.provider));

export function importTemplate(text: string, file: string, o: ImportOptions): ImportResult {
  const doc = parseTemplate(text, file);
  if (!isServerless(doc) && !isRecord(doc.Resources))
    throw new Error(
      `${file}: neither a SAM/CloudFormation template (Resources) nor a serverless.yml (service, provider)`,
    );
  const result = isServerless(doc) ? importServerless(doc, o) : importSam(doc, o);
  const mappings = result.config.eventSourceMappings as Array<Record<string, unknown>>;
  mappings.forEach((m, i) => {
    if (String(m.EventSourceArn).endsWith('/stream/unknown-until-created'))
      result.notes.push({
        path: `eventSourceMappings[${i}].EventSourceArn`,
        message:
          "the table's stream ARN is known once the table exists: run with --create-resources (or a DynamoDB endpoint where it exists)",
      });
  });
  return result;
}

export async function importTemplateFile(file: string, o: ImportOptions): Promise<ImportResult> {
  return importTemplate(await readFile(file, 'utf8'), file, o);
}

/** The generated config through the loader and compiler, as `sluice validate` checks it. */
export function checkImported(
  result: ImportResult,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): LoadResult {
  return loadConfigText(JSON.stringify(result.config), file, env, options);
}
