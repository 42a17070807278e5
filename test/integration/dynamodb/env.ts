// Where the DynamoDB Local under test listens. Until the test-server harness (test/services) serves it, the
// endpoint comes from SLUICE_DYNAMODB_ENDPOINT; a missing server fails the run loudly, never silently skips.

export function dynamoDbEndpoint(): string {
  const endpoint = process.env.SLUICE_DYNAMODB_ENDPOINT?.trim();
  if (endpoint === undefined || endpoint === '') {
    throw new Error(
      'SLUICE_DYNAMODB_ENDPOINT is not set: the DynamoDB Streams integration tests need a running DynamoDB Local ' +
        '(e.g. SLUICE_DYNAMODB_ENDPOINT=http://127.0.0.1:8000). See /work/shared/notes/test-servers.md §5.',
    );
  }
  return endpoint;
}

/** DynamoDB Local accepts only letters and digits in the access key id. */
export const DYNAMODB_TEST_CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };
