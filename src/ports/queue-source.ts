// Contract v2 of queue sources (SQS, RabbitMQ, memory queues): competing consumers, a message held by the consumer
// until it is acknowledged. The engine batches, filters and invokes; the connector owns the wire: its event envelope,
// how a message is acknowledged, handed back or kept longer. Nothing here is particular to one broker.

/** A message as the engine holds it. `handle` is the connector's own (SQS receipt handle, AMQP delivery tag). */
export interface QueueMessage<H = unknown> {
  /** Unique among the messages held at one time (SQS MessageId; RabbitMQ: channel + delivery tag). */
  id: string;
  /** Ordered message group, when the queue has one (SQS FIFO, SQS-21..25): one batch of a group at a time. */
  groupId?: string;
  /** Bytes this message adds to the event as the function receives it (P-12, RMQ-7: after base64). */
  sizeBytes: number;
  /** 1 on first delivery; more (or 2 when the broker only says "redelivered") after that. */
  receiveCount: number;
  /** What filters match; connectors that keep `json` may parse it from there on first use. */
  readonly record: Record<string, unknown>;
  /** The message's JSON in the event, written once when received (#20): its UTF-8 length is in `sizeBytes`. */
  readonly json?: string;
  /** Opaque to the engine; only the connector that made it reads it. */
  handle: H;
}

/** How a queue source's messages reach the function. */
export interface QueueEvents<M extends QueueMessage = QueueMessage> {
  /**
   * The UTF-8 JSON of one batch's event, sent as is: SQS `{"Records":[...]}`, RabbitMQ `{"eventSource",
   * "eventSourceArn", "rmqMessagesByQueue"}`. Assembled from the messages' `json` (ports/event-json.ts).
   */
  event(msgs: readonly M[]): Buffer;
  /** Bytes of the event around its messages (the 6 MB cap counts them). */
  readonly envelopeBytes: number;
  /**
   * What `batchItemFailures[].itemIdentifier` names for a message (SQS: messageId). Absent when the source has no
   * partial batch responses (RabbitMQ, RMQ-17: a failure retries the whole batch).
   */
  itemIdentifier?(msg: M): string;
}

export interface QueueDescription {
  /** How long a received message stays hidden from other consumers (SQS visibility timeout). */
  visibilityTimeoutMs: number;
  /** Messages carry groups and a group's messages must be processed in order. */
  fifo: boolean;
  /** Redrive target and limit when the queue has a DLQ (SQS-15: redrive stays the queue's job). */
  deadLetterTargetArn?: string;
  maxReceiveCount?: number;
}

export interface QueueSource<M extends QueueMessage = QueueMessage> {
  /** Its connector's kind: the `source` label of the mapping's metrics. */
  readonly kind: string;
  /** The address in the event and in logs (queue ARN, broker ARN). */
  readonly arn: string;
  /**
   * What happens to a message nobody acknowledges:
   * - `visibility-timeout`: it comes back by itself after the timeout (SQS); `nack` only makes it come back sooner.
   * - `on-nack`: it stays with this consumer until acked or nacked, or until the connection closes (RabbitMQ).
   */
  readonly redelivery: 'visibility-timeout' | 'on-nack';
  readonly events: QueueEvents<M>;
  /** Up to `max` messages, waiting up to `waitMs` for the first; [] when none came. */
  receive(max: number, waitMs: number, signal: AbortSignal): Promise<M[]>;
  /**
   * Done with these messages (success, filtered out): remove them for good. Resolves with the ids it could not ack.
   * The engine retries those of a `visibility-timeout` source (a failed delete may work next time). An `on-nack`
   * source holds a message only on the channel it came on: an id it could not ack is one it can never ack again (the
   * broker took the message back when the channel went and redelivers it), so it resolves at once and is not retried.
   */
  ack(msgs: readonly M[]): Promise<string[]>;
  /**
   * Hand messages back for redelivery after `redeliverAfterMs` (0 = now): a failed batch (on-nack sources get the
   * engine's backoff here, RMQ-17), or messages sluice lets go of (stop: 0). A broker that cannot delay redelivery
   * keeps them until the delay is over, or until `close`, and hands them back then. Resolves once that is arranged.
   */
  nack(msgs: readonly M[], redeliverAfterMs: number): Promise<void>;
  /** Keep messages hidden for `visibleForMs` more (SQS-12). Only sources with `redelivery: 'visibility-timeout'`. */
  extend?(msgs: readonly M[], visibleForMs: number): Promise<void>;
  /**
   * Give up a message without redelivery, to the broker's own dead-lettering if it has one (RMQ-19/DA-3: a message
   * that alone exceeds the 6 MB payload). Sources without it keep such a message and log it.
   */
  reject?(msgs: readonly M[]): Promise<void>;
  /** Approximate number of waiting messages, for the backlog gauge. */
  backlog?(): Promise<number>;
  /** The queue's own settings, read once at start (P-6, FIFO mode). */
  describe?(): Promise<QueueDescription>;
  close(): Promise<void>;
}

/** @deprecated Names of the contract while v1 existed; removed once the connectors written against them moved. */
export type QueueSourceV2<M extends QueueMessage = QueueMessage> = QueueSource<M>;
/** @deprecated See QueueSourceV2. */
export type QueueMessageV2<H = unknown> = QueueMessage<H>;
/** @deprecated See QueueSourceV2. */
export type QueueDescriptionV2 = QueueDescription;
