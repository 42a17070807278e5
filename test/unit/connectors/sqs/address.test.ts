import { describe, expect, it } from 'vitest';
import { parseSqsAddress, queueArn } from '../../../../connectors/sqs/address.js';
import { sqsConnector } from '../../../../connectors/sqs/index.js';

describe('SQS addresses', () => {
  it('parses queue ARNs, standard and FIFO', () => {
    expect(parseSqsAddress('arn:aws:sqs:us-east-2:123456789012:my-queue')).toEqual({
      name: 'my-queue',
      account: '123456789012',
      region: 'us-east-2',
      fifo: false,
    });
    expect(parseSqsAddress('arn:aws:sqs:eu-west-1:123456789012:orders.fifo')?.fifo).toBe(true);
  });

  it('parses AWS queue URLs and builds their ARN', () => {
    const a = parseSqsAddress('https://sqs.eu-west-1.amazonaws.com/123456789012/orders');
    expect(a).toMatchObject({ name: 'orders', account: '123456789012', region: 'eu-west-1' });
    expect(queueArn(a!, 'us-east-1')).toBe('arn:aws:sqs:eu-west-1:123456789012:orders');
  });

  it('matches only SQS addresses', () => {
    expect(sqsConnector.matches('arn:aws:sqs:us-east-1:000000000000:q')).toBe(true);
    expect(sqsConnector.matches('https://sqs.us-east-1.amazonaws.com/000000000000/q')).toBe(true);
    expect(sqsConnector.matches('arn:aws:kinesis:us-east-1:000000000000:stream/s')).toBe(false);
    expect(sqsConnector.matches('arn:aws:sns:us-east-1:000000000000:t')).toBe(false);
    expect(sqsConnector.matches('https://example.com/hook')).toBe(false);
    expect(sqsConnector.matches('kafka://topic')).toBe(false);
  });

  it('validates connection settings with JSON paths', () => {
    const problems = (c: unknown) =>
      sqsConnector.connectionSchema?.safeParse(c).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(problems({ endpoint: 'http://127.0.0.1:9324', region: 'us-east-1', maxSockets: 100 })).toBeUndefined();
    expect(problems({ endpoint: 'not a url', credentials: { accessKeyId: 'x' }, maxSockets: 0 })).toEqual([
      ['endpoint', 'Invalid URL'],
      ['credentials', 'Invalid input'],
      ['maxSockets', expect.stringContaining('>=1')],
    ]);
    // Rules the schema cannot say: AWS itself needs credentials.
    expect(sqsConnector.connectionProblems?.({ endpoint: 'aws' })).toEqual([['credentials', expect.any(String)]]);
  });
});
