// The one home of event assembly (#20): a record's Lambda JSON is serialised once, when the connector reads it
// (StreamRecord.json, whose UTF-8 length is its sizeBytes), and every event is those fragments joined inside the
// source's envelope. Nothing builds the event as objects or stringifies it whole on the hot path.

import type { StreamRecord } from './sources.js';

/**
 * A stream record read with its JSON written once: the object form is parsed from that JSON only when something
 * asks for it (filters, the on-failure path). Connectors extend it with what they add (Kafka: shardId).
 */
export class JsonStreamRecord implements StreamRecord {
  private parsed: Record<string, unknown> | undefined;
  /** Set by a connector's decoder (Kafka schema registry). */
  filterView?: Record<string, unknown>;
  rejected?: StreamRecord['rejected'];

  constructor(
    readonly position: string,
    readonly partitionKey: string,
    readonly arrivalMs: number,
    readonly json: string,
    readonly sizeBytes: number,
  ) {}

  get record(): Record<string, unknown> {
    return (this.parsed ??= JSON.parse(this.json) as Record<string, unknown>);
  }
}

/** What an event is assembled from: a stream record or a queue message (both keep `json` when read). */
export interface Fragment {
  readonly json?: string;
  readonly record: Record<string, unknown>;
}

/** The record's JSON as it appears in the event (records built without `json`, e.g. by tests, stringify here). */
export function recordJson(r: Fragment): string {
  return r.json ?? JSON.stringify(r.record);
}

/** `head` + the records' JSON joined by commas + `tail`: `{"Records":[` … `]}` and the like. */
export function joinRecords(head: string, records: readonly Fragment[], tail: string): string {
  let out = head;
  for (let i = 0; i < records.length; i++) {
    if (i > 0) out += ',';
    out += recordJson(records[i]!);
  }
  return out + tail;
}

/** `{"Records":[…]}`: the event of Kinesis, DynamoDB Streams, Redis Streams, the memory stream, SQS and memory queues. */
export function recordsEvent(records: readonly Fragment[]): string {
  return joinRecords('{"Records":[', records, ']}');
}

/**
 * The JSON of `{ ...event, ...fields }` for an event object's JSON whose keys are not among `fields` (tumbling
 * windows add window, state, shardId, …, STR-33): the fields' JSON goes in before the closing brace.
 */
export function withFields(eventJson: string, fields: Record<string, unknown>): string {
  const more = JSON.stringify(fields);
  if (more === '{}') return eventJson;
  return eventJson === '{}' ? more : `${eventJson.slice(0, -1)},${more.slice(1)}`;
}

/** A JSON string literal of `s`, remembered: a source writes the same topic, key and region into every record. */
const literals = new Map<string, string>();
export function jsonLiteral(s: string): string {
  let lit = literals.get(s);
  if (lit === undefined) {
    lit = JSON.stringify(s);
    if (literals.size < 4096) literals.set(s, lit);
  }
  return lit;
}
