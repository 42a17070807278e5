// Kinesis stream addresses: arn:<partition>:kinesis:<region>:<account>:stream/<name>.

export interface KinesisStreamArn {
  arn: string;
  region: string;
  accountId: string;
  streamName: string;
}

const STREAM_ARN = /^arn:[\w-]+:kinesis:([^:]*):([^:]*):stream\/([A-Za-z0-9_.-]{1,128})$/;

/** EFO-1: a stream consumer ARN, `…:stream/<stream>/consumer/<name>:<creation epoch seconds>`. */
const CONSUMER_ARN =
  /^arn:[\w-]+:kinesis:[^:]*:[^:]*:stream\/[A-Za-z0-9_.-]{1,128}\/consumer\/[A-Za-z0-9_.-]{1,128}:\d+$/;

export function isKinesisConsumerArn(address: string): boolean {
  return CONSUMER_ARN.test(address);
}

export function isKinesisStreamArn(address: string): boolean {
  return STREAM_ARN.test(address);
}

export function parseKinesisStreamArn(address: string): KinesisStreamArn {
  const m = STREAM_ARN.exec(address);
  if (m === null) throw new Error(`not a Kinesis stream ARN: ${address}`);
  return { arn: address, region: m[1] ?? '', accountId: m[2] ?? '', streamName: m[3] ?? '' };
}
