// The typical patterns of the filter benchmark, each built for any source kind.
import type { Payload, SourceKind } from './filter-records.js';

/** A rule on one payload field, placed where each source keeps it. */
function field(kind: SourceKind, name: keyof Payload, rules: unknown[]): Record<string, unknown> {
  switch (kind) {
    case 'sqs':
      return { body: { [name]: rules } };
    case 'kinesis':
      return { data: { [name]: rules } };
    case 'kafka':
      return { value: { [name]: rules } };
    case 'generic':
      return { fields: { [name]: rules } };
    case 'dynamodb':
      // DynamoDB numbers are strings ({"N": "12"}), so numeric rules go to a number the record has.
      return name === 'amount'
        ? { dynamodb: { SizeBytes: rules } }
        : { dynamodb: { NewImage: { [name]: { S: rules } } } };
  }
}

export const PATTERNS: Array<[string, (k: SourceKind) => unknown[]]> = [
  ['exact', (k) => [field(k, 'type', ['order'])]],
  ['prefix', (k) => [field(k, 'region', [{ prefix: 'us-' }])]],
  ['numeric range', (k) => [field(k, 'amount', [{ numeric: ['>', 100, '<=', 500] }])]],
  ['anything-but', (k) => [field(k, 'type', [{ 'anything-but': ['refund', 'void'] }])]],
  ['wildcard', (k) => [field(k, 'file', [{ wildcard: 'img/*.png' }])]],
  ['$or', (k) => [{ $or: [field(k, 'type', ['refund']), field(k, 'amount', [{ numeric: ['>', 900] }])] }]],
  [
    '5 filters',
    (k) => [
      field(k, 'type', ['nothing']),
      field(k, 'user', ['user-x']),
      field(k, 'region', [{ prefix: 'sa-' }]),
      field(k, 'amount', [{ numeric: ['<', 0] }]),
      field(k, 'type', ['order']),
    ],
  ],
];
