// --create-resources for the destination kinds: the template's SNS topics, EventBridge buses and S3 buckets, on the
// endpoints of the sns, eventbridge and s3 connections (moto locally). Idempotent: what exists is kept.
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type { DestinationResource, Endpoints } from './types.js';

// Emulators check no signature; real keys never go to them.
const aws = (endpoint: string, region: string) => ({
  endpoint,
  region,
  credentials: { accessKeyId: 'sluice', secretAccessKey: 'sluice' },
});

const nameOf = (e: unknown): string => (e as { name?: string }).name ?? '';

async function create(d: DestinationResource, e: Endpoints, region: string): Promise<boolean> {
  const endpoint = e[d.kind];
  if (endpoint === undefined) throw new Error(`the template has ${d.logicalId} but no ${d.kind} endpoint is set`);
  if (d.kind === 'sns') {
    const sns = new SNSClient(aws(endpoint, region));
    // CreateTopic answers with the existing topic when it is there.
    const attributes = d.name.endsWith('.fifo') ? { FifoTopic: 'true' } : undefined;
    await sns.send(new CreateTopicCommand({ Name: d.name, Attributes: attributes })).finally(() => sns.destroy());
    return true;
  }
  if (d.kind === 'eventbridge') {
    if (d.name === 'default') return false; // every account has it
    const events = new EventBridgeClient(aws(endpoint, region));
    return events
      .send(new CreateEventBusCommand({ Name: d.name }))
      .then(() => true)
      .catch((err: unknown) => {
        if (nameOf(err) !== 'ResourceAlreadyExistsException') throw err;
        return false;
      })
      .finally(() => events.destroy());
  }
  const s3 = new S3Client({ ...aws(endpoint, region), forcePathStyle: true });
  const location = region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint };
  return s3
    .send(new CreateBucketCommand({ Bucket: d.name, CreateBucketConfiguration: location }))
    .then(() => true)
    .catch((err: unknown) => {
      if (!/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(nameOf(err))) throw err;
      return false;
    })
    .finally(() => s3.destroy());
}

const LABEL = { sns: 'sns topic', eventbridge: 'event bus', s3: 'bucket' } as const;

export async function createDestinations(
  destinations: DestinationResource[],
  e: Endpoints,
  region: string,
  log: (line: string) => void,
): Promise<void> {
  for (const d of destinations) {
    const created = await create(d, e, region);
    log(`${LABEL[d.kind]} ${d.name}${created ? '' : ' (exists)'}`);
  }
}
