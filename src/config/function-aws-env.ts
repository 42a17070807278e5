// `AwsConnections` of a function: the endpoint and credential variables the AWS SDKs read, taken from named
// sqs/kinesis/dynamodb/lambda connections, so a handler calling the SDK reaches the same local servers sluice
// uses. Only when asked, and never the host's credentials: functions otherwise see none of sluice's secrets.
import { awsConnection, PLACEHOLDER_CREDENTIALS } from '../../connectors/_aws/client-config.js';
import type { Problem } from './problems.js';

/** Service-specific endpoint variables (AWS SDK for JavaScript v3, botocore, the Java and Go SDKs read them). */
const ENDPOINT_VARIABLES: Record<string, readonly string[]> = {
  sqs: ['AWS_ENDPOINT_URL_SQS'],
  kinesis: ['AWS_ENDPOINT_URL_KINESIS'],
  dynamodb: ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_DYNAMODB_STREAMS'],
  lambda: ['AWS_ENDPOINT_URL_LAMBDA'],
};

export function functionAwsEnvironment(
  names: readonly string[] | undefined,
  connections: Record<string, Record<string, unknown>>,
  at: string,
  problems: Problem[],
): Record<string, string> {
  const env: Record<string, string> = {};
  let keys: string | undefined;
  names?.forEach((name, i) => {
    const path = `${at}.AwsConnections[${i}]`;
    const conn = connections[name];
    const variables = ENDPOINT_VARIABLES[String(conn?.type)];
    if (conn === undefined || variables === undefined) {
      problems.push({ path, message: `"${name}" is not an sqs, kinesis, dynamodb or lambda connection` });
      return;
    }
    const c = awsConnection(conn);
    if (c.credentials === 'default-chain') {
      problems.push({
        path,
        message: `"${name}" uses the host's credentials (default-chain); a function is only given static keys`,
      });
      return;
    }
    if (c.endpoint !== undefined && c.endpoint !== 'aws') for (const v of variables) env[v] = c.endpoint;
    const creds = c.credentials ?? PLACEHOLDER_CREDENTIALS;
    const id = `${creds.accessKeyId}\0${creds.secretAccessKey}\0${creds.sessionToken ?? ''}`;
    if (keys !== undefined && keys !== id) {
      problems.push({ path, message: 'the connections give different credentials; a function gets one set of keys' });
      return;
    }
    keys = id;
    env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
    if (creds.sessionToken !== undefined) env.AWS_SESSION_TOKEN = creds.sessionToken;
  });
  return env;
}
