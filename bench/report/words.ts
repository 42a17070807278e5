// Row groups as a reader names them: the report's headings, chart titles and summary lines use these words.
const GROUPS: Readonly<Record<string, string>> = {
  sqs: 'SQS queue (ElasticMQ)',
  kinesis: 'Kinesis stream (kinesalite)',
  dynamodb: 'DynamoDB stream (DynamoDB Local)',
  kafka: 'Kafka topic',
  redis: 'Redis stream',
  async: 'Async invocation queue',
  filter: 'Event filter patterns',
  'scale-batch-size': 'Scaling with the batch size',
  'scale-handler-ms': 'Scaling with the handler duration',
  'scale-idle-mappings': 'Idle mappings and their cost',
  'scale-idle-shards': 'Idle shards and their cost',
  'scale-shards': 'Scaling with the number of shards',
  'scale-processes': 'Scaling with sluice processes (Kafka)',
};

/** The group in words; an unknown one reads as its id with spaces ("scale-foo-bar" → "Scale foo bar"). */
export function groupTitle(group: string): string {
  const known = GROUPS[group];
  if (known !== undefined) return known;
  const words = group.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
