// The static registry of connectors: no folder scanning, no import side effects. Memory is here as its addresses
// and rules only; the app puts the process-wide memory connector (it needs the broker instance) in front.
import type { ConnectorDefinition } from '../src/ports/connector.js';
import { dynamoDbStreamsConnector } from './dynamodb/index.js';
import { kafkaConnector } from './kafka/index.js';
import { kinesisConnector } from './kinesis/index.js';
import { memoryDefinition } from './memory/index.js';
import { redisStreamsConnector } from './redis/index.js';
import { sqsConnector } from './sqs/index.js';

export const connectors: readonly ConnectorDefinition[] = [
  memoryDefinition,
  sqsConnector,
  kinesisConnector,
  dynamoDbStreamsConnector,
  kafkaConnector,
  redisStreamsConnector,
];

export function findConnector(list: readonly ConnectorDefinition[], address: string): ConnectorDefinition | undefined {
  return list.find((c) => c.matches(address));
}
