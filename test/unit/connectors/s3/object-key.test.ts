// S3 object keys of discarded records (DEST-3, DEST-4, DA-10) and the bucket ARNs the connector owns.
import { describe, expect, it } from 'vitest';
import { objectKey, parseBucketArn } from '../../../../connectors/s3/index.js';
import { asyncKeyPrefix, recordTimeMs, streamKeyPrefix } from '../../../../connectors/s3/object-key.js';

const uuid = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

describe('S3 object keys', () => {
  it('DEST-3 streams: aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>, UTC, no extension', () => {
    const at = Date.parse('2019-11-14T00:38:06.021Z');
    expect(objectKey(streamKeyPrefix('esm-1', 'shardId-000000000001'), at, uuid)).toBe(
      `aws/lambda/esm-1/shardId-000000000001/2019/11/14/2019-11-14T00.38.06-${uuid}`,
    );
  });

  it('DA-10 Kafka: the shard part is <topic>-<partition>', () => {
    const at = Date.parse('2026-02-03T23:59:59.999Z');
    expect(objectKey(streamKeyPrefix('esm-2', 'orders-3'), at, uuid)).toBe(
      `aws/lambda/esm-2/orders-3/2026/02/03/2026-02-03T23.59.59-${uuid}`,
    );
  });

  it('DEST-4 async: aws/lambda/async/<function-name>/…', () => {
    const at = Date.parse('2026-12-04T01:02:03.000Z');
    expect(objectKey(asyncKeyPrefix('my-fn'), at, uuid)).toBe(
      `aws/lambda/async/my-fn/2026/12/04/2026-12-04T01.02.03-${uuid}`,
    );
  });

  it("DA-10 the time is the record's timestamp; a fresh random UUID per object by default", () => {
    expect(recordTimeMs({ timestamp: '2019-11-14T00:38:06.021Z' })).toBe(Date.parse('2019-11-14T00:38:06.021Z'));
    const a = objectKey('p', 0);
    const b = objectKey('p', 0);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^p\/1970\/01\/01\/1970-01-01T00\.00\.00-[0-9a-f-]{36}$/);
  });

  it('DEST-1 bucket ARNs: arn:aws:s3:::<bucket> only', () => {
    expect(parseBucketArn('arn:aws:s3:::my-bucket.logs')).toBe('my-bucket.logs');
    expect(parseBucketArn('arn:aws:s3:::my-bucket/key')).toBeUndefined();
    expect(parseBucketArn('arn:aws:s3:us-east-1:123456789012:my-bucket')).toBeUndefined();
    expect(parseBucketArn('arn:aws:s3:::UPPER')).toBeUndefined();
  });
});
