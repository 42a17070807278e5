// The platform: tests run on the Node release package.json supports, and the AWS SDK clients sluice uses start
// without their "upgrade your Node" warning (printed on every start under Node 20).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, readJson } from './helpers.js';

const CLIENTS = ['SQSClient', 'KinesisClient', 'DynamoDBClient', 'DynamoDBStreamsClient', 'LambdaClient'] as const;
const MODULES = ['client-sqs', 'client-kinesis', 'client-dynamodb', 'client-dynamodb-streams', 'client-lambda'];

describe('Node.js runtime', () => {
  it('runs on the engines range of package.json (Node 24 LTS)', () => {
    const engines = (readJson('package.json') as { engines: { node: string } }).engines.node;
    const [major, minor] = /^>=(\d+)\.(\d+)$/.exec(engines)!.slice(1).map(Number) as [number, number];
    expect(major).toBe(24);
    const [runMajor, runMinor] = process.versions.node.split('.').map(Number) as [number, number];
    expect(runMajor > major || (runMajor === major && runMinor >= minor)).toBe(true);
  });

  it('constructing every AWS SDK client prints no NodeVersionSupportWarning', () => {
    const script = CLIENTS.map((c, i) => `new (require('@aws-sdk/${MODULES[i]}').${c})({ region: 'us-east-1' });`).join(
      '\n',
    );
    const env = { ...process.env };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const out = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env, encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(out.stderr).not.toMatch(/NodeVersionSupportWarning/);
  });
});
