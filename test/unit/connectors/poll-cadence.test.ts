// STR-1, STR-3: each stream connector names AWS's idle poll cadence; the config only overrides it (D-13).
import { describe, expect, it } from 'vitest';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisStreamSource } from '../../../connectors/kinesis/source.js';
import { DynamoDbStreamSource } from '../../../connectors/dynamodb/source.js';
import { configSchema } from '../../../src/config/schema.js';

describe('stream poll cadence', () => {
  it('STR-1 STR-3 Kinesis and DynamoDB Streams sources name their AWS cadence; the config no longer forces 1 s', async () => {
    const kinesis = new KinesisStreamSource({
      client: new KinesisClient({ region: 'us-east-1' }),
      streamArn: 'arn:aws:kinesis:us-east-1:1:stream/s',
      streamName: 's',
      region: 'us-east-1',
      invokeIdentityArn: 'arn:aws:iam::1:role/r',
    });
    const dynamodb = new DynamoDbStreamSource({
      client: new DynamoDBStreamsClient({ region: 'us-east-1' }),
      streamArn: 'arn:aws:dynamodb:us-east-1:1:table/t/stream/x',
      region: 'us-east-1',
    });
    expect([kinesis.defaultPollIntervalMs, dynamodb.defaultPollIntervalMs]).toEqual([1000, 250]);
    await kinesis.close();
    await dynamodb.close();
    expect(configSchema.parse({}).tuning.streamPollIntervalMs).toBeUndefined();
  });
});
