// Where the SQS-compatible server for these tests listens. The shared test-server harness will provide it;
// until then set SLUICE_SQS_ENDPOINT (e.g. http://127.0.0.1:9324 for a local ElasticMQ).
export function sqsEndpoint(): string {
  const endpoint = process.env['SLUICE_SQS_ENDPOINT'];
  if (!endpoint) {
    throw new Error(
      'SLUICE_SQS_ENDPOINT is not set: start ElasticMQ (see notes/test-servers.md) and export its URL, ' +
        'e.g. SLUICE_SQS_ENDPOINT=http://127.0.0.1:9324',
    );
  }
  return endpoint;
}
