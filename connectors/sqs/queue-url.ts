import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SqsAddress } from './address.js';

/** Resolves the queue URL once (GetQueueUrl by name and owner account); a failure is retried on the next call. */
export function queueUrlResolver(client: SQSClient, address: SqsAddress): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    if (address.url) return Promise.resolve(address.url);
    pending ??= client
      .send(new GetQueueUrlCommand({ QueueName: address.name, QueueOwnerAWSAccountId: address.account }))
      .then((r) => {
        if (!r.QueueUrl) throw new Error(`GetQueueUrl returned no URL for ${address.name}`);
        return r.QueueUrl;
      })
      .catch((err: unknown) => {
        pending = undefined;
        throw err;
      });
    return pending;
  };
}
