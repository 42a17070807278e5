// Confluent Protobuf decoding (SR-16, DA-9): the registry client's own Protobuf path camelCases field names and only
// strips leading zero bytes (so it always decodes the first message of the .proto). Here the .proto (and its
// references) is parsed with the original field names, the message-index path after the 5-byte header picks the
// message type, and the result is turned into JSON the DA-9 way.
import protobuf from 'protobufjs';

export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}
export interface RawSchema {
  schema: string;
  schemaType?: string;
  references?: SchemaReference[];
}
/** Fetches one referenced schema (by subject and version) from the registry. */
export type FetchReference = (ref: SchemaReference) => Promise<RawSchema>;

/** The data does not fit the schema (or the index path names no message): the record's fault (DA-8). */
export class ProtobufDataError extends Error {}

interface ParsedProto {
  /** The .proto file's top-level messages, in declaration order (message index 0, 1, …). */
  messages: protobuf.Type[];
}

/** DA-9: enums by name, 64-bit integers as numbers, bytes as base64; fields left at their default are omitted. */
const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, bytes: String };

export class ProtobufDecoder {
  /** One parse per schema id (a failed fetch is forgotten so that it is retried). */
  private readonly parsed = new Map<number, Promise<ParsedProto>>();

  constructor(private readonly fetchReference: FetchReference) {}

  /** The JSON object of `framed` (the whole attribute, header included) written with schema `id`. */
  async decode(id: number, raw: RawSchema, framed: Buffer): Promise<Record<string, unknown>> {
    const { messages } = await this.parse(id, raw);
    const reader = protobuf.Reader.create(framed.subarray(5));
    let type: protobuf.Type;
    try {
      type = messageAt(messages, readIndexes(reader));
    } catch (err) {
      if (err instanceof ProtobufDataError) throw err;
      throw new ProtobufDataError(`schema id ${id}: bad message-index list (${String(err)})`);
    }
    try {
      const message = type.decode(framed.subarray(5 + reader.pos));
      return type.toObject(message, TO_OBJECT);
    } catch (err) {
      throw new ProtobufDataError(`schema id ${id}: not a ${type.fullName.slice(1)} (${String(err)})`);
    }
  }

  private parse(id: number, raw: RawSchema): Promise<ParsedProto> {
    let p = this.parsed.get(id);
    if (p === undefined) {
      p = this.load(raw);
      this.parsed.set(id, p);
      p.catch(() => this.parsed.delete(id));
    }
    return p;
  }

  private async load(raw: RawSchema): Promise<ParsedProto> {
    const root = new protobuf.Root();
    const main = protobuf.parse(raw.schema, root, { keepCase: true });
    // Snapshot before the references join the same root (they may share the package).
    const ns = main.package === undefined ? root : root.lookup(main.package);
    const messages = ns instanceof protobuf.Namespace ? typesOf(ns) : [];
    const imports = [...(main.imports ?? []), ...(main.weakImports ?? [])];
    const seen = new Set<string>();
    await this.addReferences(root, raw.references ?? [], seen);
    for (const name of imports) {
      const common = seen.has(name) ? null : protobuf.common.get(name);
      if (common?.nested !== undefined) root.addJSON(common.nested);
    }
    root.resolveAll();
    return { messages };
  }

  private async addReferences(root: protobuf.Root, refs: SchemaReference[], seen: Set<string>): Promise<void> {
    for (const ref of refs) {
      if (seen.has(ref.name)) continue;
      seen.add(ref.name);
      const found = await this.fetchReference(ref);
      await this.addReferences(root, found.references ?? [], seen);
      protobuf.parse(found.schema, root, { keepCase: true });
    }
  }
}

/** Confluent's message-index list: a zigzag count, then that many zigzag indexes; a count of 0 means [0]. */
function readIndexes(reader: protobuf.Reader): number[] {
  const count = reader.sint32();
  if (count < 0 || count > 64) throw new ProtobufDataError(`message-index count ${count}`);
  if (count === 0) return [0];
  const path: number[] = [];
  for (let i = 0; i < count; i++) path.push(reader.sint32());
  return path;
}

/** The message at `path`: the first index among the file's top-level messages, each next among the nested ones. */
function messageAt(top: protobuf.Type[], path: number[]): protobuf.Type {
  let level = top;
  let type: protobuf.Type | undefined;
  for (const i of path) {
    type = level[i];
    if (type === undefined) throw new ProtobufDataError(`message index path [${path.join(', ')}] names no message`);
    level = typesOf(type);
  }
  if (type === undefined) throw new ProtobufDataError('empty message index path');
  return type;
}

function typesOf(ns: protobuf.NamespaceBase): protobuf.Type[] {
  return ns.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);
}
