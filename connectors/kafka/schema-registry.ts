// Schema registry decoding of Kafka records (SR-8..SR-18, DA-8, DA-9): Confluent framing (magic 0, schema id), the
// schema fetched once per id from a Confluent-compatible registry, Avro/Protobuf/JSON Schema decoded to JSON. A record
// that cannot be decoded is marked `rejected` (the engine gives it up without invoking); a registry that is down or
// refuses us is a transient error the caller retries (the partition waits).
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { StreamRecord } from '../../src/ports/sources.js';
import { toStreamRecord, type KafkaRecord } from './event.js';
import { ProtobufDataError, ProtobufDecoder, type RawSchema, type SchemaReference } from './schema-protobuf.js';
import type { SchemaRegistrySettings } from './schema-registry-config.js';

export type SchemaDataFormat = 'AVRO' | 'PROTOBUF' | 'JSON';
export interface KafkaSchemaMetadata {
  dataFormat: SchemaDataFormat;
  schemaId: string;
}

/** The registry could not be asked (network, auth, 5xx): retry later, do not skip the record (DA-8). */
export class SchemaRegistryUnavailableError extends Error {}

/** This record's attribute cannot be validated or decoded (DA-8: on-failure destination, never invoked). */
class RecordSchemaError extends Error {}

interface Decoded {
  json: string;
  metadata: KafkaSchemaMetadata;
  /** The attribute without the registry framing (SOURCE, SR-12). */
  source: Buffer;
}

/** The registry client's HTTP API (not in its typings): the schema text by id, and referenced schemas. */
interface RegistryApi {
  Schema: { find(args: { id: number }): Promise<{ data(): RawSchema }> };
  Subject: { version(args: SchemaReference): Promise<{ data(): RawSchema }> };
}

export class KafkaSchemaDecoder {
  private readonly registry: SchemaRegistry;
  private readonly api: RegistryApi;
  private readonly proto: ProtobufDecoder;
  /** The schema text by id, fetched once (a failed fetch is forgotten so that it is retried). */
  private readonly raw = new Map<number, Promise<RawSchema>>();

  constructor(
    private readonly settings: SchemaRegistrySettings,
    auth?: { username: string; password: string },
  ) {
    this.registry = new SchemaRegistry({
      host: settings.uri,
      ...(auth === undefined ? {} : { auth }),
      // One quick retry inside the client; the source retries with its own backoff (DA-8).
      retry: { retries: 1, initialRetryTimeInSecs: 0.1, maxRetryTimeInSecs: 1 },
    });
    this.api = (this.registry as unknown as { api: RegistryApi }).api;
    this.proto = new ProtobufDecoder(async (ref) => (await this.api.Subject.version(ref)).data());
  }

  /**
   * The StreamRecord of `rec` with its validated attributes decoded (SR-9, SR-11, SR-12): JSON puts base64 of the
   * decoded JSON in key/value, SOURCE the unframed bytes; the filter always sees the decoded form (DA-9). A record
   * that fails is returned `rejected`; `onError` counts every failure (SchemaRegistryErrorCount, SR-14).
   * Throws SchemaRegistryUnavailableError when the registry cannot be reached.
   */
  async decode(rec: KafkaRecord, key: Buffer | null, value: Buffer | null, onError: () => void): Promise<StreamRecord> {
    const { settings } = this;
    try {
      const k = settings.key && key !== null ? await this.attribute(key) : undefined;
      const v = settings.value && value !== null ? await this.attribute(value) : undefined;
      const out: KafkaRecord & Record<string, unknown> = { ...rec };
      const view: Record<string, unknown> = { ...rec };
      if (k !== undefined) {
        out.key = settings.format === 'JSON' ? b64(k.json) : k.source.toString('base64');
        // DA-9: a validated key is filterable by its decoded fields (the key is no data field: matched as is).
        view.key = JSON.parse(k.json) as unknown;
      }
      if (v !== undefined) {
        out.value = settings.format === 'JSON' ? b64(v.json) : v.source.toString('base64');
        view.value = b64(v.json);
      }
      if (k !== undefined) out.keySchemaMetadata = k.metadata;
      if (v !== undefined) out.valueSchemaMetadata = v.metadata;
      const record = toStreamRecord(out);
      if (settings.format === 'SOURCE' || k !== undefined) record.filterView = view;
      return record;
    } catch (err) {
      onError();
      if (!(err instanceof RecordSchemaError)) throw err;
      const record = toStreamRecord(rec);
      record.rejected = { condition: 'SchemaValidationFailed', reason: err.message };
      return record;
    }
  }

  private async attribute(buf: Buffer): Promise<Decoded> {
    // SR-16/SR-18: byte 0 magic 0x00, bytes 1-4 the schema id (big-endian); anything else fails validation.
    if (buf.length < 5 || buf[0] !== 0) throw new RecordSchemaError('not in the Confluent wire format (magic byte 0)');
    const id = buf.readInt32BE(1);
    let plain: unknown;
    let format: SchemaDataFormat;
    try {
      const raw = await this.rawSchema(id);
      format = formatOf(raw.schemaType);
      // Avro and JSON Schema stay with the registry client; Protobuf needs the message-index path (SR-16).
      plain = format === 'PROTOBUF' ? await this.proto.decode(id, raw, buf) : await this.registry.decode(buf);
    } catch (err) {
      throw classify(err, id);
    }
    return {
      json: JSON.stringify(plain, jsonValue),
      metadata: { dataFormat: format, schemaId: String(id) },
      source: buf.subarray(5),
    };
  }

  private rawSchema(id: number): Promise<RawSchema> {
    let p = this.raw.get(id);
    if (p === undefined) {
      p = this.api.Schema.find({ id }).then((r) => r.data());
      this.raw.set(id, p);
      p.catch(() => this.raw.delete(id));
    }
    return p;
  }
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The registry omits schemaType for Avro. */
function formatOf(type: string | undefined): SchemaDataFormat {
  return type === 'PROTOBUF' ? 'PROTOBUF' : type === 'JSON' ? 'JSON' : 'AVRO';
}

/** Avro bytes and fixed as base64, 64-bit integers as numbers (DA-9). */
function jsonValue(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && 'data' in v)
    return Buffer.from((v as { data: number[] }).data).toString('base64');
  return v;
}

/** 404/422 from the registry (unknown id) and decode errors are the record's fault; the rest is the registry's. */
function classify(err: unknown, id: number): Error {
  if (err instanceof ProtobufDataError) return new RecordSchemaError(err.message);
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number') {
    if (status === 404 || status === 422) return new RecordSchemaError(`schema id ${id} is not in the registry`);
    return new SchemaRegistryUnavailableError(`schema registry answered ${status} for schema id ${id}`, { cause: err });
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+/.test(code))
    return new SchemaRegistryUnavailableError(`schema registry unreachable (${code})`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  if (/network|socket|timeout|ECONN/i.test(message))
    return new SchemaRegistryUnavailableError(`schema registry unreachable: ${message}`, { cause: err });
  return new RecordSchemaError(`schema id ${id}: ${message}`);
}
