// Spec §3 (SR-*) and decisions DA-8/DA-9 on a real Kafka broker and a real Confluent-compatible schema registry
// (test/services/servers/schema-registry.ts, with HTTP basic auth): records produced in the Confluent wire format
// are decoded before filtering and batching.
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import protobuf from 'protobufjs';
import { afterEach, describe, expect, it } from 'vitest';
import { servers, uniqueName } from '../../services/inject.js';
import {
  committed,
  createTopicWith,
  produce,
  recordingMetrics,
  runMapping,
  sqsDestination,
  stopAll,
  type FailureRecord,
  type KRecord,
  type RunOptions,
} from './engine-kit.js';
import { until } from './helpers.js';

afterEach(stopAll);

interface SRecord extends KRecord {
  keySchemaMetadata?: { dataFormat: string; schemaId: string };
  valueSchemaMetadata?: { dataFormat: string; schemaId: string };
}

const ORDER = {
  type: 'record',
  name: 'Order',
  namespace: 'sluice.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'int' },
    { name: 'status', type: 'string' },
  ],
};
const ORDER_KEY = {
  type: 'record',
  name: 'OrderKey',
  namespace: 'sluice.test',
  fields: [{ name: 'id', type: 'string' }],
};

function registry(): SchemaRegistry {
  const { url, username, password } = servers().schemaregistry;
  return new SchemaRegistry({ host: url, auth: { username, password } });
}

/** The mapping's SchemaRegistryConfig as compiled settings, and the connection's credentials. */
function withRegistry(format: 'JSON' | 'SOURCE', key = false): Pick<RunOptions, 'settings' | 'connection'> {
  const { url, username, password } = servers().schemaregistry;
  return {
    settings: { schemaRegistry: { uri: url, format, key, value: true } },
    connection: { schemaRegistry: { username, password } },
  };
}

const b64json = (s: string | null | undefined) =>
  JSON.parse(Buffer.from(s ?? '', 'base64').toString('utf8')) as Record<string, unknown>;
const recordsOf = (calls: Array<{ event: { records: Record<string, KRecord[]> } }>) =>
  calls.flatMap((c) => Object.values(c.event.records).flat()) as SRecord[];

/**
 * `payload` as message `path` of `proto` in the Confluent Protobuf wire format (SR-16): header, zigzag count and
 * indexes ([0] as the single byte 0), then the message. The registry client's own encode writes no index list.
 */
function protoFrame(id: number, proto: string, path: number[], payload: Record<string, unknown>): Buffer {
  const parsed = protobuf.parse(proto, { keepCase: true });
  let type: protobuf.NamespaceBase = parsed.root.lookup(parsed.package!) as protobuf.Namespace;
  for (const i of path) type = type.nestedArray.filter((n) => n instanceof protobuf.Type)[i] as protobuf.Type;
  const t = type as protobuf.Type;
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  const w = protobuf.Writer.create();
  if (path.length === 1 && path[0] === 0) w.sint32(0);
  else {
    w.sint32(path.length);
    for (const i of path) w.sint32(i);
  }
  return Buffer.concat([header, w.finish(), t.encode(t.fromObject(payload)).finish()]);
}

async function avroTopic(): Promise<{ topic: string; reg: SchemaRegistry; valueId: number; keyId: number }> {
  const topic = await createTopicWith(1);
  const reg = registry();
  const { id: valueId } = await reg.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(ORDER) },
    { subject: `${topic}-value` },
  );
  const { id: keyId } = await reg.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(ORDER_KEY) },
    { subject: `${topic}-key` },
  );
  return { topic, reg, valueId, keyId };
}

describe('Kafka schema registry (SR) on a real broker and registry', () => {
  it('SR-9 SR-11 DA-9 an Avro key and value with EventRecordFormat JSON arrive as base64 JSON with key/valueSchemaMetadata', async () => {
    const { topic, reg, valueId, keyId } = await avroTopic();
    await produce(topic, [
      {
        key: await reg.encode(keyId, { id: 'o-1' }),
        value: await reg.encode(valueId, { id: 'o-1', amount: 42, status: 'NEW' }),
      },
    ]);
    const run = await runMapping({ topic, script: () => undefined, ...withRegistry('JSON', true) });
    await until(() => Promise.resolve(run.calls.length > 0 ? true : undefined));
    const [rec] = recordsOf(run.calls);
    expect(b64json(rec!.value)).toEqual({ id: 'o-1', amount: 42, status: 'NEW' });
    expect(b64json(rec!.key)).toEqual({ id: 'o-1' });
    expect(rec!.valueSchemaMetadata).toEqual({ dataFormat: 'AVRO', schemaId: String(valueId) });
    expect(rec!.keySchemaMetadata).toEqual({ dataFormat: 'AVRO', schemaId: String(keyId) });
  });

  it('SR-12 EventRecordFormat SOURCE delivers the Avro bytes without the registry framing, with valueSchemaMetadata; the key passes through unchanged (SR-6)', async () => {
    const { topic, reg, valueId } = await avroTopic();
    const framed = await reg.encode(valueId, { id: 'o-2', amount: 7, status: 'PAID' });
    await produce(topic, [{ key: 'plain-key', value: framed }]);
    const run = await runMapping({ topic, script: () => undefined, ...withRegistry('SOURCE') });
    await until(() => Promise.resolve(run.calls.length > 0 ? true : undefined));
    const [rec] = recordsOf(run.calls);
    expect(rec!.value).toBe(framed.subarray(5).toString('base64'));
    expect(rec!.key).toBe(Buffer.from('plain-key').toString('base64'));
    expect(rec!.valueSchemaMetadata).toEqual({ dataFormat: 'AVRO', schemaId: String(valueId) });
    expect('keySchemaMetadata' in rec!).toBe(false);
  });

  it('SR-13 DA-9 a filter on a decoded Avro field passes only matching records, in JSON and in SOURCE format', async () => {
    for (const format of ['JSON', 'SOURCE'] as const) {
      const { topic, reg, valueId } = await avroTopic();
      const statuses = ['NEW', 'PAID', 'NEW', 'SHIPPED', 'PAID'];
      await produce(
        topic,
        await Promise.all(
          statuses.map(async (status, i) => ({
            value: await reg.encode(valueId, { id: `o-${i}`, amount: i, status }),
          })),
        ),
      );
      const run = await runMapping({
        topic,
        script: () => undefined,
        filterPatterns: [JSON.stringify({ value: { status: ['PAID'] } })],
        ...withRegistry(format),
      });
      await until(async () => ((await committed(run.group, topic)).get(0) === 5 ? true : undefined));
      const offsets = run.calls.flatMap((c) => c.offsets);
      expect(offsets, format).toEqual([1, 4]);
    }
  });

  it('SR-13 DA-9 with KEY validated, a filter on a decoded key field passes only matching records', async () => {
    const { topic, reg, valueId, keyId } = await avroTopic();
    await produce(
      topic,
      await Promise.all(
        ['a', 'b', 'a'].map(async (id, i) => ({
          key: await reg.encode(keyId, { id }),
          value: await reg.encode(valueId, { id: `o-${i}`, amount: i, status: 'NEW' }),
        })),
      ),
    );
    const run = await runMapping({
      topic,
      script: () => undefined,
      filterPatterns: [JSON.stringify({ key: { id: ['b'] } })],
      ...withRegistry('JSON', true),
    });
    await until(async () => ((await committed(run.group, topic)).get(0) === 3 ? true : undefined));
    expect(run.calls.flatMap((c) => c.offsets)).toEqual([1]);
  });

  it('SR-7 Protobuf and JSON Schema values decode to JSON (dataFormat PROTOBUF and JSON)', async () => {
    const topic = await createTopicWith(1);
    const reg = registry();
    const proto = `syntax = "proto3";\npackage sluice.test;\nmessage Payment {\n  string id = 1;\n  int64 cents = 2;\n  bool settled = 3;\n}\n`;
    const { id: protoId } = await reg.register(
      { type: SchemaType.PROTOBUF, schema: proto },
      { subject: `${topic}-proto` },
    );
    const jsonSchema = {
      type: 'object',
      properties: { sku: { type: 'string' }, qty: { type: 'integer' } },
      required: ['sku', 'qty'],
    };
    const { id: jsonId } = await reg.register(
      { type: SchemaType.JSON, schema: JSON.stringify(jsonSchema) },
      { subject: `${topic}-json` },
    );
    await produce(topic, [
      { value: protoFrame(protoId, proto, [0], { id: 'p-1', cents: 1250, settled: true }) },
      { value: await reg.encode(jsonId, { sku: 'A-7', qty: 3 }) },
    ]);
    const run = await runMapping({ topic, script: () => undefined, ...withRegistry('JSON') });
    await until(() => Promise.resolve(recordsOf(run.calls).length >= 2 ? true : undefined));
    const [p, j] = recordsOf(run.calls);
    expect(b64json(p!.value)).toEqual({ id: 'p-1', cents: 1250, settled: true });
    expect(p!.valueSchemaMetadata).toEqual({ dataFormat: 'PROTOBUF', schemaId: String(protoId) });
    expect(b64json(j!.value)).toEqual({ sku: 'A-7', qty: 3 });
    expect(j!.valueSchemaMetadata).toEqual({ dataFormat: 'JSON', schemaId: String(jsonId) });
  });

  const SHIPMENT_PROTO = `syntax = "proto3";
package sluice.test;
message TraceHeader {
  string trace_id = 1;
}
message Shipment {
  enum Ship_Status { UNKNOWN = 0; SENT = 1; HELD = 2; }
  message Parcel {
    string parcel_id = 1;
    int32 weight_grams = 2;
  }
  string shipment_id = 1;
  int64 total_cents = 2;
  Parcel first_parcel = 3;
  Ship_Status ship_status = 4;
  bytes raw_tag = 5;
}
`;

  it('SR-16 DA-9 Protobuf records of the second message ([1]) and of its nested message ([1, 0]) decode by the message-index path, with the .proto field names', async () => {
    const topic = await createTopicWith(1);
    const reg = registry();
    const { id } = await reg.register(
      { type: SchemaType.PROTOBUF, schema: SHIPMENT_PROTO },
      { subject: `${topic}-value` },
    );
    const shipment = {
      shipment_id: 's-1',
      total_cents: 9_000_000_000,
      first_parcel: { parcel_id: 'p-9', weight_grams: 450 },
      ship_status: 1,
      raw_tag: Buffer.from([1, 2, 255]),
    };
    const framed = protoFrame(id, SHIPMENT_PROTO, [1], shipment);
    expect([...framed.subarray(5, 7)]).toEqual([2, 2]); // SR-16's example: 02 02 then the message
    await produce(topic, [
      { value: framed },
      { value: protoFrame(id, SHIPMENT_PROTO, [1, 0], { parcel_id: 'p-3', weight_grams: 12 }) },
    ]);
    const run = await runMapping({ topic, script: () => undefined, ...withRegistry('JSON') });
    await until(() => Promise.resolve(recordsOf(run.calls).length >= 2 ? true : undefined));
    const [s, p] = recordsOf(run.calls);
    expect(b64json(s!.value)).toEqual({
      shipment_id: 's-1',
      total_cents: 9_000_000_000,
      first_parcel: { parcel_id: 'p-9', weight_grams: 450 },
      ship_status: 'SENT',
      raw_tag: Buffer.from([1, 2, 255]).toString('base64'),
    });
    expect(b64json(p!.value)).toEqual({ parcel_id: 'p-3', weight_grams: 12 });
    expect(p!.valueSchemaMetadata).toEqual({ dataFormat: 'PROTOBUF', schemaId: String(id) });
  });

  it('SR-13 DA-9 a filter on a snake_case field of a Protobuf message decoded by its index path passes only matching records', async () => {
    const topic = await createTopicWith(1);
    const reg = registry();
    const { id } = await reg.register(
      { type: SchemaType.PROTOBUF, schema: SHIPMENT_PROTO },
      { subject: `${topic}-value` },
    );
    const statuses = [1, 2, 1, 0];
    await produce(
      topic,
      statuses.map((ship_status, i) => ({
        value: protoFrame(id, SHIPMENT_PROTO, [1], { shipment_id: `s-${i}`, ship_status }),
      })),
    );
    const run = await runMapping({
      topic,
      script: () => undefined,
      filterPatterns: [JSON.stringify({ value: { ship_status: ['SENT'], shipment_id: [{ prefix: 's-' }] } })],
      ...withRegistry('SOURCE'),
    });
    await until(async () => ((await committed(run.group, topic)).get(0) === 4 ? true : undefined));
    expect(run.calls.flatMap((c) => c.offsets)).toEqual([0, 2]);
  });

  it('SR-16 DA-8 a .proto importing a registered reference decodes with the referenced type; a message-index path that names no message fails validation (counted, never invoked)', async () => {
    const topic = await createTopicWith(1);
    const reg = registry();
    const money = `syntax = "proto3";\npackage sluice.money;\nmessage Amount {\n  int64 minor_units = 1;\n  string currency_code = 2;\n}\n`;
    await reg.register({ type: SchemaType.PROTOBUF, schema: money }, { subject: `${topic}-money` });
    const invoice = `syntax = "proto3";\npackage sluice.test;\nimport "money.proto";\nmessage Invoice {\n  string invoice_id = 1;\n  sluice.money.Amount due_amount = 2;\n}\n`;
    const { id } = await reg.register(
      {
        type: SchemaType.PROTOBUF,
        schema: invoice,
        references: [{ name: 'money.proto', subject: `${topic}-money`, version: 1 }],
      },
      { subject: `${topic}-value` },
    );
    const root = new protobuf.Root();
    protobuf.parse(money, root, { keepCase: true });
    protobuf.parse(invoice.replace('import "money.proto";\n', ''), root, { keepCase: true });
    const Invoice = root.lookupType('sluice.test.Invoice');
    const body = Invoice.encode(
      Invoice.fromObject({ invoice_id: 'i-1', due_amount: { minor_units: 1999, currency_code: 'EUR' } }),
    ).finish();
    const header = Buffer.alloc(5);
    header.writeInt32BE(id, 1);
    await produce(topic, [
      { value: Buffer.concat([header, Buffer.from([2, 10]), body]) }, // message-index path [5]: no such message
      { value: Buffer.concat([header, Buffer.from([0]), body]) },
    ]);
    const metrics = recordingMetrics();
    const run = await runMapping({ topic, metrics, script: () => undefined, ...withRegistry('JSON') });
    await until(async () => ((await committed(run.group, topic)).get(0) === 2 ? true : undefined));
    expect(run.calls.flatMap((c) => c.offsets)).toEqual([1]);
    expect(b64json(recordsOf(run.calls)[0]!.value)).toEqual({
      invoice_id: 'i-1',
      due_amount: { minor_units: 1999, currency_code: 'EUR' },
    });
    expect(metrics.counter('sluice_schema_registry_errors_total')).toBe(1);
  });

  it('DA-8 SR-14 SR-18 a record with a wrong magic byte or an unknown schema id goes to the on-failure destination as SchemaValidationFailed, counted, never invoked; the rest flow and offsets commit', async () => {
    const { topic, reg, valueId } = await avroTopic();
    const unknownId = Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0x00]), Buffer.from('x')]);
    await produce(topic, [
      { value: await reg.encode(valueId, { id: 'ok-1', amount: 1, status: 'NEW' }) },
      { value: 'plain text, no framing' },
      { value: unknownId },
      { value: await reg.encode(valueId, { id: 'ok-2', amount: 2, status: 'NEW' }) },
    ]);
    const dest = await sqsDestination();
    const metrics = recordingMetrics();
    const run = await runMapping({
      topic,
      metrics,
      script: () => undefined,
      options: { onFailure: dest.destination },
      ...withRegistry('JSON'),
    });
    const got = (await until(async () => {
      const r = await dest.receive();
      return r.length >= 2 ? r : undefined;
    })) as FailureRecord[];
    await until(async () => ((await committed(run.group, topic)).get(0) === 4 ? true : undefined));
    expect(run.calls.flatMap((c) => c.offsets)).toEqual([0, 3]);
    expect(got.map((r) => r.requestContext.condition)).toEqual(['SchemaValidationFailed', 'SchemaValidationFailed']);
    expect(got.map((r) => r.responseContext)).toEqual([null, null]);
    expect(got.map((r) => r.requestContext.approximateInvokeCount)).toEqual([0, 0]);
    const offsets = got.map((r) => Object.values(r.KafkaBatchInfo.recordsInfo)[0]!.firstRecordOffset).sort();
    expect(offsets).toEqual(['1', '2']);
    expect(metrics.counter('sluice_schema_registry_errors_total')).toBe(2);
    expect(metrics.counter('sluice_on_failure_delivered_events_total')).toBe(2);
  });

  it('SR-4 a registry that refuses the credentials is not a record failure: the partition waits and nothing is committed', async () => {
    const { topic, reg, valueId } = await avroTopic();
    await produce(topic, [{ value: await reg.encode(valueId, { id: 'o', amount: 1, status: 'NEW' }) }]);
    const metrics = recordingMetrics();
    const { url } = servers().schemaregistry;
    const run = await runMapping({
      topic,
      metrics,
      script: () => undefined,
      settings: { schemaRegistry: { uri: url, format: 'JSON', key: false, value: true } },
      connection: { schemaRegistry: { username: uniqueName('nobody'), password: 'wrong' } },
    });
    await until(() => Promise.resolve(metrics.counter('sluice_schema_registry_errors_total') >= 2 ? true : undefined));
    expect(run.calls).toEqual([]);
    expect((await committed(run.group, topic)).get(0)).toBe(-1);
  });
});
