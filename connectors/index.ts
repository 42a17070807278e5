// The static registry of connectors: no folder scanning, no import side effects. The memory connector works on
// the broker the app makes for the process (ConnectorContext.instance).
import type { ConnectorDefinition } from '../src/ports/connector.js';
import { dynamoDbStreamsConnector } from './dynamodb/index.js';
import { eventBridgeConnector } from './eventbridge/index.js';
import { httpConnector } from './http/index.js';
import { kafkaConnector } from './kafka/index.js';
import { kinesisConnector } from './kinesis/index.js';
import { lambdaConnector } from './lambda/index.js';
import { memoryConnector } from './memory/index.js';
import { rabbitmqConnector } from './rabbitmq/index.js';
import { redisStreamsConnector } from './redis/index.js';
import { s3Connector } from './s3/index.js';
import { snsConnector } from './sns/index.js';
import { sqsConnector } from './sqs/index.js';

export const connectors: readonly ConnectorDefinition[] = [
  memoryConnector,
  sqsConnector,
  kinesisConnector,
  dynamoDbStreamsConnector,
  kafkaConnector,
  redisStreamsConnector,
  rabbitmqConnector,
  // Destinations only; last, so the config's connection union keeps its order.
  lambdaConnector,
  httpConnector,
  s3Connector,
  snsConnector,
  eventBridgeConnector,
];

export function findConnector(list: readonly ConnectorDefinition[], address: string): ConnectorDefinition | undefined {
  return list.find((c) => c.matches(address));
}
