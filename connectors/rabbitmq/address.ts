// Addresses of a RabbitMQ source. Lambda's form is the Amazon MQ broker ARN as EventSourceArn, the queue in the
// mapping's `Queues` (exactly one, RMQ-8) and the virtual host in SourceAccessConfigurations VIRTUAL_HOST (RMQ-9).
// sluice also reads `rabbitmq://<queue>` (percent-encoded), for brokers that are not Amazon MQ and have no ARN.

/** arn:aws:mq:<region>:<account>:broker:<broker-name>:<broker-id> (RMQ-1). */
const BROKER_ARN = /^arn:[\w-]+:mq:[^:]*:\d*:broker:[^:]+:.+$/;
const URI = /^rabbitmq:\/\/(.+)$/;

export const isBrokerArn = (a: string): boolean => BROKER_ARN.test(a);

/** The queue a `rabbitmq://` address names; undefined for anything else (or a malformed encoding). */
export function queueOfUri(a: string | undefined): string | undefined {
  const raw = URI.exec(a ?? '')?.[1];
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Whether this connector owns an address: a broker ARN, or any rabbitmq:// URI (malformed ones get its messages). */
export const isRabbitmqAddress = (a: string): boolean => isBrokerArn(a) || a.startsWith('rabbitmq://');
