import type { ServerName } from '../types.js';
import { dynamodb } from './dynamodb.js';
import { elasticmq } from './elasticmq.js';
import { kafka } from './kafka.js';
import { kinesis } from './kinesis.js';
import { moto } from './moto.js';
import { rabbitmq } from './rabbitmq.js';
import { redis } from './redis.js';
import { schemaRegistry } from './schema-registry.js';
import type { ServerDef } from './server.js';

export const SERVERS: { [N in ServerName]: ServerDef<N> } = {
  kafka,
  sqs: elasticmq,
  dynamodb,
  kinesis,
  redis,
  rabbitmq,
  moto,
  schemaregistry: schemaRegistry,
};
