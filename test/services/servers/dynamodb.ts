import path from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { makeDynamoClient } from '../clients.js';
import { ensureMavenLib, FAST_JVM_FLAGS } from '../maven.js';
import { freePort } from '../ports.js';
import { spawnServer } from '../proc.js';
import { waitReady } from '../wait.js';
import type { ServerDef } from './server.js';

// >= 3.3.1: earlier 3.x poms miss runtime dependencies (joda-time, PartiQL), so copy-dependencies is incomplete.
const VERSION = '3.3.1';
const DEPENDENCIES = [`software.amazon.dynamodb:DynamoDBLocal:${VERSION}`];

let lib: string | undefined;

export const dynamodb: ServerDef<'dynamodb'> = {
  name: 'dynamodb',
  title: `DynamoDB Local ${VERSION} (+ Streams)`,
  async install() {
    lib = await ensureMavenLib(`dynamodb-local-${VERSION}`, DEPENDENCIES);
  },
  async start({ dataDir, background }) {
    if (!lib) await this.install();
    const port = await freePort();
    // DynamoDB Local has no bind-address option: it listens on all interfaces (on the dynamic port).
    // No AppCDS: DynamoDBLocal.jar's manifest Class-Path names its own (non-empty) directory, which CDS refuses.
    const proc = spawnServer({
      name: 'dynamodb',
      command: 'java',
      args: [
        ...FAST_JVM_FLAGS,
        '-Xmx256m',
        `-Djava.library.path=${lib!}`,
        '-cp',
        path.join(lib!, '*'),
        'software.amazon.dynamodb.services.local.main.ServerRunner',
        '-inMemory',
        '-sharedDb',
        '-port',
        String(port),
        '-disableTelemetry',
      ],
      dataDir,
      background,
    });
    const info = { endpoint: `http://127.0.0.1:${port}` };
    await waitReady(proc, () => this.probe(info), 60_000);
    return { info, proc };
  },
  async probe(info) {
    const client = makeDynamoClient(info.endpoint, { maxAttempts: 1 });
    try {
      await client.send(new ListTablesCommand({}));
    } finally {
      client.destroy();
    }
  },
};
