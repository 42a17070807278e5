import { servers } from '../../services/inject.js';

/** The DynamoDB Local the harness started for this run (fails loudly when it was not started). */
export function dynamoDbEndpoint(): string {
  return servers().dynamodb.endpoint;
}

/** DynamoDB Local accepts only letters and digits in the access key id. */
export const DYNAMODB_TEST_CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };
