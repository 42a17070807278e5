// PRIVATE brokers for the broker-restart scenarios (the shared test servers must never be restarted): one
// instance per scenario on fixed free loopback ports, so it can be stopped and started again at the same address,
// with its data on disk where the broker can persist it (ElasticMQ H2 storage, DynamoDB Local -dbPath, kinesalite
// on leveldown, Kafka log dirs). The jars come from the installers in test/services/servers (cached in .cache/).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jvmClassCache } from '../services/jvm-cds.js';
import { ensureMavenLib, FAST_JVM_FLAGS } from '../services/maven.js';
import { groupAlive, spawnServer, stopProcessGroup, type ServerProcess } from '../services/proc.js';
import { dynamodb } from '../services/servers/dynamodb.js';
import { elasticmq } from '../services/servers/elasticmq.js';
import { formatKafkaStorage, kafka, kafkaRelease, kafkaServerProperties } from '../services/servers/kafka.js';
import { kinesis } from '../services/servers/kinesis.js';
import { waitReady } from '../services/wait.js';
import { freePort } from './harness.js';

const KINESALITE_MAIN = fileURLToPath(new URL('../fixtures/faults/kinesalite-persistent.mjs', import.meta.url));

/** The class-data archive of the shared servers when it exists (starts twice as fast); never writes one. */
const cds = (name: string, dir: string) => {
  const flags = jvmClassCache(name, dir).flags;
  return flags[0]?.startsWith('-XX:SharedArchiveFile=') ? flags : [];
};

interface Kind {
  /** Spawns the broker on `ports` with its data in `dir`; `first` is true for the very first start. */
  spawn(dir: string, ports: number[], first: boolean): Promise<ServerProcess>;
  probe(address: string): Promise<void>;
  ports: number;
  address(ports: number[]): string;
}

const elasticmqConf = (port: number, dir: string) => `include classpath("application.conf")
node-address { protocol = http, host = "127.0.0.1", port = ${port}, context-path = "" }
rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false, bind-port = 0, bind-hostname = "127.0.0.1" }
generate-node-address = false
aws { region = us-east-1, accountId = "000000000000" }
# Persistence: queues in a file, messages in H2 written through at each commit (WRITE_DELAY=0), so a restart,
# even after SIGKILL, keeps what was acknowledged.
queues-storage { enabled = true, path = "${path.join(dir, 'queues.conf')}" }
messages-storage { enabled = true, uri = "jdbc:h2:${path.join(dir, 'messages')};WRITE_DELAY=0" }
`;

const ELASTICMQ: Kind = {
  ports: 1,
  address: ([p]) => `http://127.0.0.1:${p}`,
  probe: (endpoint) => elasticmq.probe({ endpoint }),
  async spawn(dir, [port]) {
    const lib = await ensureMavenLib('elasticmq-1.7.1', ['org.elasticmq:elasticmq-server_2.13:1.7.1']);
    const conf = path.join(dir, 'elasticmq.conf');
    writeFileSync(conf, elasticmqConf(port!, dir));
    return spawnServer({
      name: 'elasticmq',
      command: 'java',
      args: [
        ...FAST_JVM_FLAGS,
        ...cds('elasticmq-1.7.1', dir),
        '-Xmx192m',
        `-Dconfig.file=${conf}`,
        '-cp',
        path.join(lib, '*'),
        'org.elasticmq.server.Main',
      ],
      dataDir: dir,
    });
  },
};

const DYNAMODB: Kind = {
  ports: 1,
  address: ([p]) => `http://127.0.0.1:${p}`,
  probe: (endpoint) => dynamodb.probe({ endpoint }),
  async spawn(dir, [port]) {
    const lib = await ensureMavenLib('dynamodb-local-3.3.1', ['software.amazon.dynamodb:DynamoDBLocal:3.3.1']);
    return spawnServer({
      name: 'dynamodb',
      command: 'java',
      args: [
        ...FAST_JVM_FLAGS,
        '-Xmx192m',
        `-Djava.library.path=${lib}`,
        '-cp',
        path.join(lib, '*'),
        'software.amazon.dynamodb.services.local.main.ServerRunner',
        // -dbPath instead of -inMemory: tables, items and stream records survive a restart.
        '-dbPath',
        dir,
        '-sharedDb',
        '-port',
        String(port),
        '-disableTelemetry',
      ],
      dataDir: dir,
    });
  },
};

const KINESALITE: Kind = {
  ports: 1,
  address: ([p]) => `http://127.0.0.1:${p}`,
  probe: (endpoint) => kinesis.probe({ endpoint }),
  spawn(dir, [port]) {
    return Promise.resolve(
      spawnServer({
        name: 'kinesalite',
        command: process.execPath,
        args: [KINESALITE_MAIN, String(port), path.join(dir, 'db')],
        dataDir: dir,
      }),
    );
  },
};

const KAFKA: Kind = {
  ports: 2,
  address: ([p]) => `127.0.0.1:${p}`,
  probe: (broker) => kafka.probe({ brokers: [broker] }),
  async spawn(dir, [port, controllerPort], first) {
    // The release the shared `kafka` server runs (SLUICE_KAFKA_VERSION), with the same single-node KRaft settings.
    const release = kafkaRelease();
    const cp = path.join(await ensureMavenLib(release.mavenName, release.dependencies), '*');
    const props = path.join(dir, 'server.properties');
    const logFlag = release.logConfig(dir, 'WARN');
    if (first) {
      writeFileSync(props, kafkaServerProperties(dir, port!, controllerPort!));
      await formatKafkaStorage(release, props, logFlag);
    }
    return spawnServer({
      name: 'kafka',
      command: 'java',
      args: [
        ...FAST_JVM_FLAGS,
        ...cds(release.mavenName, dir),
        '-Xms128m',
        '-Xmx384m',
        logFlag,
        `-Dkafka.logs.dir=${path.join(dir, 'logs')}`,
        '-cp',
        cp,
        'kafka.Kafka',
        props,
      ],
      dataDir: dir,
    });
  },
};

export const BROKERS = { elasticmq: ELASTICMQ, dynamodb: DYNAMODB, kinesalite: KINESALITE, kafka: KAFKA };

/** One private broker: `up()` starts it (again) on the same ports and data dir, `down()` stops it. */
export class PrivateBroker {
  private proc: ServerProcess | undefined;
  private started = false;
  private constructor(
    private readonly kind: Kind,
    private readonly dir: string,
    private readonly ports: number[],
  ) {}

  static async start(name: keyof typeof BROKERS): Promise<PrivateBroker> {
    const kind = BROKERS[name];
    const ports: number[] = [];
    for (let i = 0; i < kind.ports; i++) ports.push(await freePort());
    const b = new PrivateBroker(kind, mkdtempSync(path.join(tmpdir(), `sluice-faults-${name}-`)), ports);
    await b.up();
    return b;
  }

  /** `http://127.0.0.1:<port>` (Kafka: `127.0.0.1:<port>`). */
  get address(): string {
    return this.kind.address(this.ports);
  }

  async up(): Promise<void> {
    const proc = await this.kind.spawn(this.dir, this.ports, !this.started);
    this.started = true;
    this.proc = proc;
    await waitReady(proc, () => this.kind.probe(this.address), 120_000);
  }

  /** Stops the broker: SIGTERM (a clean broker shutdown, so it persists what it acknowledged), SIGKILL after 15 s. */
  async down(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (p !== undefined) await stopProcessGroup(p.pid, 15_000);
  }

  /** SIGKILL: a crash. */
  async crash(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (p === undefined) return;
    process.kill(-p.pid, 'SIGKILL');
    while (groupAlive(p.pid)) await new Promise((r) => setTimeout(r, 50));
  }
}
