import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { makeSqsClient } from '../clients.js';
import { jvmClassCache } from '../jvm-cds.js';
import { ensureMavenLib, FAST_JVM_FLAGS } from '../maven.js';
import { freePort } from '../ports.js';
import { spawnServer } from '../proc.js';
import { waitReady } from '../wait.js';
import type { ServerDef } from './server.js';

// >= 1.6.16: earlier versions lack the x-amzn-query-error header the current SQS client needs on errors.
const VERSION = '1.7.1';
const DEPENDENCIES = [`org.elasticmq:elasticmq-server_2.13:${VERSION}`];

// `include classpath("application.conf")` keeps rest-sqs's pekko settings (e.g. request-timeout for 20 s long polls).
const config = (port: number) => `include classpath("application.conf")
node-address { protocol = http, host = "127.0.0.1", port = ${port}, context-path = "" }
rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false, bind-port = 0, bind-hostname = "127.0.0.1" }
generate-node-address = false
aws { region = us-east-1, accountId = "000000000000" }
`;

let lib: string | undefined;

export const elasticmq: ServerDef<'sqs'> = {
  name: 'sqs',
  title: `ElasticMQ ${VERSION} (SQS)`,
  async install() {
    lib = await ensureMavenLib(`elasticmq-${VERSION}`, DEPENDENCIES);
  },
  async start({ dataDir, background }) {
    if (!lib) await this.install();
    const port = await freePort();
    const conf = path.join(dataDir, 'elasticmq.conf');
    writeFileSync(conf, config(port));
    const cds = jvmClassCache(`elasticmq-${VERSION}`, dataDir);
    const proc = spawnServer({
      name: 'sqs',
      command: 'java',
      afterStop: cds.collect,
      args: [
        ...FAST_JVM_FLAGS,
        ...cds.flags,
        '-Xmx256m',
        `-Dconfig.file=${conf}`,
        '-cp',
        path.join(lib!, '*'),
        'org.elasticmq.server.Main',
      ],
      dataDir,
      background,
    });
    const info = { endpoint: `http://127.0.0.1:${port}` };
    // An exception in main leaves pekko's threads (and the JVM) running: fail on the log line instead of waiting.
    await waitReady(proc, () => this.probe(info), 60_000, /Uncaught exception in thread: main/);
    return { info, proc };
  },
  async probe(info) {
    const client = makeSqsClient(info.endpoint, { maxAttempts: 1 });
    try {
      await client.send(new ListQueuesCommand({}));
    } finally {
      client.destroy();
    }
  },
};
