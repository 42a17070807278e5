// An EventBridge bus as an async destination (DEST-10..13): PutEvents with one entry whose Detail is the invocation
// record, DetailType "Lambda Function Invocation Result - Success|Failure", Source "lambda" (DA-12, or the
// connection's `source`) and Resources [qualified function ARN, bus ARN]. A refused entry is a failed delivery.
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { bodyOf, type DeliveryContext, type Destination } from '../../src/ports/sources.js';

/** DEST-13: entries up to 1 MB since 2026-01-29. */
export const EVENTBRIDGE_MAX_BYTES = 1024 * 1024;

interface RecordHead {
  requestContext?: { functionArn?: unknown; condition?: unknown };
}

export class EventBridgeDestination implements Destination {
  constructor(
    readonly arn: string,
    private readonly client: EventBridgeClient,
    private readonly source: string,
  ) {}

  async send(record: unknown, _ctx: DeliveryContext): Promise<void> {
    const rc = (record as RecordHead | null)?.requestContext;
    if (Buffer.isBuffer(record) || typeof rc?.functionArn !== 'string')
      throw new Error('an EventBridge bus takes asynchronous invocation records only');
    const detail = bodyOf(record);
    if (Buffer.byteLength(detail) > EVENTBRIDGE_MAX_BYTES)
      throw new Error(`the record is ${Buffer.byteLength(detail)} bytes, over EventBridge's ${EVENTBRIDGE_MAX_BYTES}`);
    const result = rc.condition === 'Success' ? 'Success' : 'Failure';
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.arn,
            Source: this.source,
            DetailType: `Lambda Function Invocation Result - ${result}`,
            Detail: detail,
            Resources: [rc.functionArn, this.arn],
          },
        ],
      }),
    );
    const failed = out.Entries?.find((e) => e.ErrorCode !== undefined);
    if ((out.FailedEntryCount ?? 0) > 0 || failed !== undefined)
      throw new Error(`PutEvents refused the entry: ${failed?.ErrorCode ?? ''} ${failed?.ErrorMessage ?? ''}`.trim());
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }
}
