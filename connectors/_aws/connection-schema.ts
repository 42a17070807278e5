// The connection settings every AWS connection shares (sqs, kinesis, dynamodb, lambda): the config
// adds `type` and refuses unknown keys. Rules the schema cannot say are in client-config.ts.
import { z } from 'zod';

const credentials = z
  .object({
    accessKeyId: z.string().min(1),
    secretAccessKey: z.string().min(1),
    sessionToken: z.string().optional(),
  })
  .strict()
  .describe('Static credentials.');

export const awsConnectionSchema = z.object({
  endpoint: z
    .union([z.literal('aws'), z.url()], {
      error: 'required: an endpoint URL (an emulator or a private endpoint), or "aws" for AWS itself',
    })
    .describe('An endpoint URL (e.g. http://127.0.0.1:9324 for ElasticMQ), or "aws" for AWS itself.'),
  region: z.string().optional(),
  credentials: z
    .union([credentials, z.literal('default-chain')])
    .optional()
    .describe(
      'Static keys, or "default-chain" for the host\'s AWS credentials (environment, profiles, instance metadata). ' +
        'Required with endpoint "aws"; omitted, requests to an emulator are signed with placeholder keys.',
    ),
});

export const awsConnectionExample = (type: string): string =>
  `{"type": "${type}", "endpoint": "http://…"} for an emulator, {"type": "${type}", "endpoint": "aws", "credentials": …} for AWS`;
