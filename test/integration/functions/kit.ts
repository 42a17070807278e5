// Shared pieces of the Function API write tests: a sluice started in this process, @aws-sdk/client-lambda
// pointed at it, and zip packages built in the test with fflate.
import { zipSync, strToU8 } from 'fflate';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startApp, type App } from '../../../src/app/app.js';
import { loadConfigText } from '../../../src/config/loader.js';
import { createLogger } from '../../../src/observability/logger.js';

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

/** A Node handler answering `{ version, env: process.env[NAME] }` for the variable named in the event. */
export function nodeZip(version: string, extra: Record<string, string> = {}): Uint8Array {
  const source = `exports.handler = async (event) => ({ version: ${JSON.stringify(version)}, env: event && event.name ? process.env[event.name] ?? null : null });\n`;
  return zipSync({
    'index.js': strToU8(source),
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, strToU8(v)])),
  });
}

export interface Sluice {
  app: App;
  client: LambdaClient;
  stop(): Promise<void>;
}

export async function startSluice(
  config: Record<string, unknown>,
  credentials = { accessKeyId: 'test', secretAccessKey: 'test' },
): Promise<Sluice> {
  const loaded = loadConfigText(JSON.stringify({ server: { port: 0 }, logLevel: 'silent', ...config }), 'fn-api.json');
  if (loaded.problems.length > 0) throw new Error(JSON.stringify(loaded.problems));
  const app = await startApp(loaded.config!, createLogger('silent'));
  const client = new LambdaClient({
    endpoint: `http://127.0.0.1:${app.address().port}`,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  return {
    app,
    client,
    stop: async () => {
      client.destroy();
      await app.stop('test');
    },
  };
}

export const decode = (payload: Uint8Array | undefined): unknown => JSON.parse(Buffer.from(payload ?? []).toString());

/** Polls Invoke until the function runs (not Pending, not yet unknown here). */
export async function untilInvocable(client: LambdaClient, FunctionName: string, timeoutMs = 30_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return decode((await client.send(new InvokeCommand({ FunctionName, Payload: '{}' }))).Payload);
    } catch (err) {
      const name = (err as Error).name;
      if ((name !== 'ResourceConflictException' && name !== 'ResourceNotFoundException') || Date.now() > deadline)
        throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** A small zip whose directory declares `size` unzipped bytes (the entry's uncompressed-size fields patched). */
export function hugeDeclaredZip(size: number): Uint8Array {
  const zip = zipSync({ 'index.js': strToU8('exports.handler = async () => 1;\n') }, { level: 0 });
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = 0; i + 4 <= zip.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x04034b50) view.setUint32(i + 22, size, true); // local header: uncompressed size
    if (sig === 0x02014b50) view.setUint32(i + 24, size, true); // central directory: uncompressed size
  }
  return zip;
}
