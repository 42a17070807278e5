// serverless.yml variables: ${self:path}, ${opt:name}, ${sls:stage}, ${aws:region|accountId} and fallbacks
// (${opt:stage, 'dev'}); ${env:NAME} is left for sluice's own config substitution at load time.
import { isRecord, type ImportNote } from './types.js';

const VAR = /\$\{([^{}]+)\}/;
const OURS = /^\s*(self|opt|sls|aws|file|cf|ssm|s3|param):/;

export interface VarContext {
  doc: Record<string, unknown>;
  options: Record<string, string>;
  region: string;
  accountId: string;
  notes: ImportNote[];
}

function lookup(doc: unknown, dotted: string): unknown {
  let v: unknown = doc;
  for (const part of dotted.split('.')) v = isRecord(v) ? v[part] : undefined;
  return v;
}

/** One variable's value; undefined when no source of it (or of its fallbacks) has one. */
function variable(expr: string, ctx: VarContext, depth: number): unknown {
  for (const alt of expr.split(',').map((s) => s.trim())) {
    const quoted = /^(['"])(.*)\1$/.exec(alt);
    if (quoted) return quoted[2];
    if (/^-?\d+(\.\d+)?$/.test(alt)) return Number(alt);
    const [source, ...rest] = alt.split(':');
    const key = rest.join(':');
    let v: unknown;
    if (source === 'self') v = key === '' ? ctx.doc : expand(lookup(ctx.doc, key), ctx, depth + 1);
    else if (source === 'opt') v = ctx.options[key];
    else if (source === 'sls' && key === 'stage')
      v = ctx.options.stage ?? expand(lookup(ctx.doc, 'provider.stage'), ctx, depth + 1) ?? 'dev';
    else if (source === 'aws' && key === 'region') v = ctx.region;
    else if (source === 'aws' && key === 'accountId') v = ctx.accountId;
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The value with every variable replaced; `${env:...}` is kept, unknown ones become notes. */
export function expand(value: unknown, ctx: VarContext, depth = 0, path = ''): unknown {
  if (depth > 20) return value;
  if (Array.isArray(value)) return value.map((v, i) => expand(v, ctx, depth, `${path}[${i}]`));
  if (isRecord(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expand(v, ctx, depth, path === '' ? k : `${path}.${k}`)]),
    );
  if (typeof value !== 'string') return value;
  let s = value;
  // Innermost first, so a variable may name another (${self:custom.${opt:stage}}).
  for (let i = 0; i < 50; i++) {
    // ${env:} is sluice's own; ${AWS::Region} and the like are CloudFormation's (Fn::Sub): both kept as they are.
    const m = VAR.exec(
      s.replace(/\$\{([^{}]*)\}/g, (e, inner: string) => (OURS.test(inner) ? e : e.replace('$', '\u0000'))),
    );
    if (m === null) break;
    const v = variable(m[1]!, ctx, depth);
    if (v === undefined) {
      ctx.notes.push({ path, message: `\${${m[1]}}: no value (not set with --option or in the file)` });
      return undefined;
    }
    if (m[0] === s) return v; // the whole string is one variable: keep its type (a number, a list)
    s = s.slice(0, m.index) + (typeof v === 'string' ? v : JSON.stringify(v)) + s.slice(m.index + m[0].length);
  }
  return s;
}
