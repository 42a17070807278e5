// A Redis stream as a destination (redis://<key>): XADD of the JSON record (a Buffer as is: an async DLQ's original
// event, ASY-13) in the field `record`, plus the function name and any delivery attributes as fields.
import type { Redis } from 'ioredis';
import { bodyOf, type DeliveryContext, type Destination } from '../../src/ports/sources.js';
import { quitWithin } from '../../src/ports/quit.js';

export class RedisStreamDestination implements Destination {
  readonly arn: string;

  constructor(
    private readonly redis: Redis,
    private readonly streamKey: string,
  ) {
    this.arn = `redis://${streamKey}`;
  }

  async send(record: unknown, ctx: DeliveryContext): Promise<void> {
    const extra: string[] = [];
    for (const [name, attr] of Object.entries(ctx.attributes ?? {})) extra.push(name, attr.value);
    await this.redis.call(
      'XADD',
      this.streamKey,
      '*',
      'record',
      bodyOf(record),
      'function',
      ctx.functionName,
      ...extra,
    );
  }

  async close(): Promise<void> {
    await quitWithin(this.redis);
  }
}
