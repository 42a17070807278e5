// How a connector's records meet filter patterns (FLT-8..10): where the data field is and how it is encoded. The
// filter engine reads only this, so a new connector needs no change there.

/** A record's data field (SQS `body`, Kinesis `kinesis.data`, Kafka `value`...). */
export interface FilterData {
  /**
   * Its path in the record: one or two keys. With two (`['kinesis', 'data']`), the fields of the object between are
   * also addressed at the pattern's root, as Lambda documents for Kinesis (`data`, `partitionKey`).
   */
  path: readonly string[];
  /** text: the data as it is; base64: UTF-8 text in base64 (bytes that are not UTF-8 match no data pattern). */
  encoding: 'text' | 'base64';
  /** json: only a JSON object or array is data (a rule array on it is refused, FLT-9); text: plain text is too. */
  form: 'json' | 'text';
  /**
   * A data pattern whose form the data does not have: `fail` the filter (FLT-8, FLT-9) or `ignore` the data rule
   * (FLT-10); with `ignore`, null or missing data (a Kafka tombstone) is matched as it is.
   */
  mismatch: 'fail' | 'ignore';
}

export interface FilterSource {
  /** The source's name in messages. */
  label: string;
  /** The data field; none (DynamoDB, Redis streams): records are matched as they are. */
  data?: FilterData;
  /** A key whose values are numbers written as strings (DynamoDB's `{"N": "123"}`): "numeric" on it is warned of. */
  numbersAsStrings?: string;
}

/** Records matched as they are. */
export const PLAIN_RECORDS: FilterSource = { label: 'generic' };
