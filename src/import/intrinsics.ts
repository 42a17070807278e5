// CloudFormation intrinsic functions, evaluated against the template's parameters, conditions, mappings and the
// physical names/ARNs sluice gives its resources. What cannot be evaluated locally (Fn::ImportValue, Fn::GetAZs...)
// becomes a note with its template path and the value is left out.
import { isRecord, type ImportNote } from './types.js';

/** A resource as intrinsics see it: what Ref returns and its GetAtt attributes. */
export interface ResourceValues {
  ref: unknown;
  atts: Record<string, unknown>;
}

export interface ResolverInput {
  parameters: Record<string, unknown>;
  conditions: Record<string, unknown>;
  mappings: Record<string, unknown>;
  pseudo: { region: string; accountId: string; stackName: string };
  /** The values of a resource by logical id; undefined when it has no local counterpart. */
  resource: (logicalId: string) => ResourceValues | undefined;
  /** What a declared name is (a resource type; a parameter without a value): a Ref to it says so. */
  declared: (logicalId: string) => string | undefined;
}

/** What `declared` says of a parameter with neither a Default nor a --parameter value. */
export const UNSET_PARAMETER = 'parameter without a value';

/** AWS::NoValue: the property or list item is removed. */
export const NO_VALUE = Symbol('AWS::NoValue');

class Unresolved extends Error {}

export class Resolver {
  readonly notes: ImportNote[] = [];
  readonly #conditionCache = new Map<string, boolean>();

  constructor(private readonly input: ResolverInput) {}

  /** The value with every intrinsic evaluated; undefined (with a note) when one cannot be. */
  resolve(value: unknown, path: string): unknown {
    try {
      const out = this.#eval(value, path, true);
      return out === NO_VALUE ? undefined : out;
    } catch (err) {
      if (!(err instanceof Unresolved)) throw err;
      this.notes.push({ path, message: err.message });
      return undefined;
    }
  }

  /** A condition of the Conditions section; an unknown one is a note and false. */
  condition(name: string, path: string): boolean {
    try {
      return this.#condition(name);
    } catch (err) {
      if (!(err instanceof Unresolved)) throw err;
      this.notes.push({ path, message: err.message });
      return false;
    }
  }

  #condition(name: string): boolean {
    const cached = this.#conditionCache.get(name);
    if (cached !== undefined) return cached;
    if (!(name in this.input.conditions)) throw new Unresolved(`no condition ${name} in Conditions`);
    this.#conditionCache.set(name, false); // a cycle evaluates to false instead of overflowing
    const v = this.#eval(this.input.conditions[name], `Conditions.${name}`);
    if (typeof v !== 'boolean') throw new Unresolved(`condition ${name} is not a boolean`);
    this.#conditionCache.set(name, v);
    return v;
  }

  /**
   * Outside function arguments (`lenient`), a property or list item that cannot be evaluated is a note at its own
   * path and left out, its siblings kept; inside them, the whole function fails.
   */
  #eval(value: unknown, path: string, lenient = false): unknown {
    const child = (v: unknown, at: string): unknown => {
      if (!lenient) return this.#eval(v, at);
      try {
        return this.#eval(v, at, true);
      } catch (err) {
        if (!(err instanceof Unresolved)) throw err;
        this.notes.push({ path: at, message: err.message });
        return NO_VALUE;
      }
    };
    if (Array.isArray(value)) return value.map((v, i) => child(v, `${path}[${i}]`)).filter((v) => v !== NO_VALUE);
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const key = keys[0]!;
      if (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::'))
        return this.#fn(key, value[key], `${path}.${key}`);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = child(v, `${path}.${k}`);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  #ref(name: string): unknown {
    const { pseudo, parameters } = this.input;
    switch (name) {
      case 'AWS::Region':
        return pseudo.region;
      case 'AWS::AccountId':
        return pseudo.accountId;
      case 'AWS::StackName':
        return pseudo.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${pseudo.region}:${pseudo.accountId}:stack/${pseudo.stackName}/local`;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
    }
    if (name in parameters) return parameters[name];
    const r = this.input.resource(name);
    if (r !== undefined) return r.ref;
    const type = this.input.declared(name);
    if (type === UNSET_PARAMETER)
      throw new Unresolved(`Ref ${name}: the parameter has no Default and no --parameter value`);
    if (type !== undefined) throw new Unresolved(`Ref ${name}: a ${type} has no local counterpart in sluice`);
    throw new Unresolved(`Ref ${name}: no such parameter or resource`);
  }

  #getAtt(args: unknown): unknown {
    const [res, ...rest] = Array.isArray(args) ? (args as unknown[]) : [];
    if (typeof res !== 'string' || rest.length === 0) throw new Unresolved('Fn::GetAtt needs [resource, attribute]');
    const attr = rest.map(String).join('.');
    const r = this.input.resource(res);
    const type = this.input.declared(res);
    if (r === undefined)
      throw new Unresolved(
        type === undefined
          ? `GetAtt ${res}: no such resource`
          : `GetAtt ${res}.${attr}: a ${type} has no local counterpart`,
      );
    if (!(attr in r.atts)) throw new Unresolved(`GetAtt ${res}.${attr}: attribute not known to sluice`);
    return r.atts[attr];
  }

  #sub(args: unknown, path: string): string {
    const [template, vars] = Array.isArray(args) ? (args as unknown[]) : [args, {}];
    if (typeof template !== 'string') throw new Unresolved('Fn::Sub needs a string');
    const own = isRecord(vars) ? (this.#eval(vars, path) as Record<string, unknown>) : {};
    return template.replace(/\$\{(!?)([^}]*)\}/g, (_m, bang: string, name: string) => {
      if (bang === '!') return `\${${name}}`;
      const v =
        name in own
          ? own[name]
          : name.includes('.') && !name.startsWith('AWS::')
            ? this.#getAtt(name.split('.'))
            : this.#ref(name);
      if (typeof v !== 'string' && typeof v !== 'number') throw new Unresolved(`Fn::Sub: \${${name}} is not a string`);
      return String(v);
    });
  }

  #fn(key: string, raw: unknown, path: string): unknown {
    const arg = (): unknown[] => {
      const v = key === 'Fn::Sub' || key === 'Fn::If' ? raw : this.#eval(raw, path);
      return Array.isArray(v) ? (v as unknown[]) : [v];
    };
    switch (key) {
      case 'Ref':
        return this.#ref(String(raw));
      case 'Condition':
        return this.#condition(String(raw));
      case 'Fn::GetAtt':
        return this.#getAtt(typeof raw === 'string' ? raw.split('.') : this.#eval(raw, path));
      case 'Fn::Sub':
        return this.#sub(raw, path);
      case 'Fn::If': {
        const [cond, yes, no] = arg();
        return this.#condition(String(cond)) ? this.#eval(yes, `${path}[1]`) : this.#eval(no, `${path}[2]`);
      }
      case 'Fn::Join': {
        const [sep, list] = arg();
        if (typeof sep !== 'string' || !Array.isArray(list)) throw new Unresolved('Fn::Join needs [separator, list]');
        return list.map(String).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg();
        if (!Array.isArray(list) || list[Number(index)] === undefined) throw new Unresolved('Fn::Select out of range');
        return list[Number(index)] as unknown;
      }
      case 'Fn::Split': {
        const [sep, s] = arg();
        return String(s).split(String(sep));
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = arg().map(String);
        const v = (this.input.mappings[map!] as Record<string, Record<string, unknown>> | undefined)?.[top!]?.[second!];
        if (v === undefined) throw new Unresolved(`Fn::FindInMap: no ${map}.${top}.${second} in Mappings`);
        return v;
      }
      case 'Fn::Equals': {
        const [a, b] = arg();
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::And':
        return arg().every((v) => v === true);
      case 'Fn::Or':
        return arg().some((v) => v === true);
      case 'Fn::Not':
        return arg()[0] !== true;
      case 'Fn::Base64':
        return Buffer.from(String(arg()[0])).toString('base64');
      case 'Fn::Length':
        return (arg()[0] as unknown[] | undefined)?.length ?? 0;
      case 'Fn::ToJsonString':
        return JSON.stringify(arg()[0]);
      case 'Fn::ImportValue':
        throw new Unresolved(
          `Fn::ImportValue ${JSON.stringify(arg()[0])}: another stack's export is not known locally`,
        );
      default:
        throw new Unresolved(`${key} is not evaluated by sluice import`);
    }
  }
}
