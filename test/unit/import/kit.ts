// Shared options of the import unit tests: ARNs in us-east-1/000000000000, local endpoints, template and config in
// the same directory.
import type { ImportOptions } from '../../../src/import/types.js';

export const OPTIONS: ImportOptions = {
  region: 'us-east-1',
  accountId: '000000000000',
  stackName: 'shop',
  parameters: {},
  endpoints: {
    sqs: 'http://127.0.0.1:9324',
    kinesis: 'http://127.0.0.1:4567',
    dynamodb: 'http://127.0.0.1:8000',
    kafka: ['127.0.0.1:9092'],
    rabbitmq: 'amqp://guest:guest@127.0.0.1:5672',
    sns: 'http://127.0.0.1:5000',
    eventbridge: 'http://127.0.0.1:5000',
    s3: 'http://127.0.0.1:5000',
  },
  templateDir: '/app',
  configDir: '/app',
};

export const options = (over: Partial<ImportOptions> = {}): ImportOptions => ({ ...OPTIONS, ...over });
