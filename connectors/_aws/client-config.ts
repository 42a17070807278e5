// The region, endpoint and credentials every AWS SDK client of a connection gets. sluice never reaches AWS or the
// host's credential chain by default: a connection says `"endpoint": "aws"` to mean AWS itself, and
// `"credentials": "default-chain"` to use the host's credentials (environment, profiles, instance metadata).

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The settings of an sqs, kinesis, dynamodb or lambda connection. */
export interface AwsConnection {
  /** A URL (ElasticMQ, kinesalite, DynamoDB Local, LocalStack…), or "aws" for AWS's own endpoints. */
  endpoint?: string;
  region?: string;
  credentials?: StaticCredentials | 'default-chain';
}

/**
 * Signs requests to an emulator when the connection gives no credentials (they do not check them). Never used
 * with `"endpoint": "aws"`, which needs credentials.
 */
export const PLACEHOLDER_CREDENTIALS: StaticCredentials = { accessKeyId: 'sluice', secretAccessKey: 'sluice' };

export const AWS_ENDPOINT = 'aws';

const isStatic = (v: unknown): v is StaticCredentials =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as StaticCredentials).accessKeyId === 'string' &&
  typeof (v as StaticCredentials).secretAccessKey === 'string';

export function awsConnection(connection: Record<string, unknown>): AwsConnection {
  const { endpoint, region, credentials } = connection;
  return {
    endpoint: typeof endpoint === 'string' ? endpoint : undefined,
    region: typeof region === 'string' ? region : undefined,
    credentials: credentials === 'default-chain' || isStatic(credentials) ? credentials : undefined,
  };
}

/** Problems of a connection's endpoint and credentials, as [path, message] pairs (empty when usable). */
export function awsConnectionProblems(connection: Record<string, unknown>): Array<[string, string]> {
  const c = awsConnection(connection);
  const problems: Array<[string, string]> = [];
  if (c.endpoint === undefined)
    problems.push([
      'endpoint',
      `required: a URL (an emulator or a private endpoint), or "${AWS_ENDPOINT}" for AWS itself`,
    ]);
  else if (c.endpoint !== AWS_ENDPOINT && !URL.canParse(c.endpoint))
    problems.push(['endpoint', `must be a URL or "${AWS_ENDPOINT}"`]);
  if (connection.credentials !== undefined && c.credentials === undefined)
    problems.push(['credentials', 'must be {accessKeyId, secretAccessKey[, sessionToken]} or "default-chain"']);
  if (c.endpoint === AWS_ENDPOINT && connection.credentials === undefined)
    problems.push([
      'credentials',
      `required with "endpoint": "${AWS_ENDPOINT}": static keys, or "default-chain" for the host's AWS credentials (environment, profiles, instance metadata)`,
    ]);
  return problems;
}

/** The client settings: `credentials` is left out (SDK default chain) only for "default-chain". */
export function awsClientConfig(
  connection: Record<string, unknown>,
  defaultRegion: string,
): { region: string; endpoint?: string; credentials?: StaticCredentials } {
  const problems = awsConnectionProblems(connection);
  if (problems.length > 0)
    throw new Error(`invalid AWS connection: ${problems.map(([p, m]) => `${p} ${m}`).join('; ')}`);
  const c = awsConnection(connection);
  return {
    region: c.region ?? defaultRegion,
    ...(c.endpoint === AWS_ENDPOINT ? {} : { endpoint: c.endpoint }),
    // A copy: the SDK marks the credentials object it is given ($source), which must not reach the config's.
    ...(c.credentials === 'default-chain' ? {} : { credentials: { ...(c.credentials ?? PLACEHOLDER_CREDENTIALS) } }),
  };
}
