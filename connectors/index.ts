// The static registry of connectors: no folder scanning, no import side effects. The app adds the
// process-wide memory connector (it needs the broker instance) in front of these.
import type { ConnectorDefinition } from '../src/ports/connector.js';
import { dynamoDbStreamsConnector } from './dynamodb-streams/index.js';
import { kafkaConnector } from './kafka/index.js';
import { kinesisConnector } from './kinesis/index.js';
import { redisStreamsConnector } from './redis-streams/index.js';
import { sqsConnector } from './sqs/index.js';

export const connectors: readonly ConnectorDefinition[] = [
  sqsConnector,
  kinesisConnector,
  dynamoDbStreamsConnector,
  kafkaConnector,
  redisStreamsConnector,
];

export function findConnector(list: readonly ConnectorDefinition[], address: string): ConnectorDefinition | undefined {
  return list.find((c) => c.matches(address));
}
