// An SNS topic as a destination: stream on-failure (DEST-7), async OnSuccess/OnFailure (DEST-8) and DLQ (DEST-9).
// DeliveryContext attributes become message attributes (the DLQ's RequestID, ErrorCode, ErrorMessage). FIFO topics
// get the function name as MessageGroupId and a fresh deduplication id, as the SQS destination does.
import { randomUUID } from 'node:crypto';
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { DeliveryContext, Destination } from '../../src/ports/sources.js';
import { SNS_MAX_BYTES, snsMessage } from './message.js';

export class SnsDestination implements Destination {
  constructor(
    readonly arn: string,
    private readonly fifo: boolean,
    private readonly client: SNSClient,
  ) {}

  async send(record: unknown, ctx: DeliveryContext): Promise<void> {
    const message = snsMessage(record);
    if (Buffer.byteLength(message) > SNS_MAX_BYTES)
      throw new Error(`the record is ${Buffer.byteLength(message)} bytes, over SNS's ${SNS_MAX_BYTES}`);
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, a] of Object.entries(ctx.attributes ?? {}))
      attributes[name] = { DataType: a.type, StringValue: a.value };
    await this.client.send(
      new PublishCommand({
        TopicArn: this.arn,
        Message: message,
        ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
        ...(this.fifo ? { MessageGroupId: ctx.functionName, MessageDeduplicationId: randomUUID() } : {}),
      }),
    );
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }
}
