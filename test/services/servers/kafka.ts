import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { logLevel } from 'kafkajs';
import { makeKafka } from '../clients.js';
import { jvmClassCache } from '../jvm-cds.js';
import { ensureMavenLib, FAST_JVM_FLAGS } from '../maven.js';
import { freePort } from '../ports.js';
import { spawnServer } from '../proc.js';
import { waitReady } from '../wait.js';
import type { ServerDef } from './server.js';

const execFileP = promisify(execFile);
const VERSION = '3.9.1';
const DEPENDENCIES = [
  `org.apache.kafka:kafka_2.13:${VERSION}`,
  // kafka_2.13 (core) has reload4j only as compileOnly: without these there is no logging backend and no log.
  'org.slf4j:slf4j-reload4j:1.7.36',
  'ch.qos.reload4j:reload4j:1.2.25',
];
const MAVEN_NAME = `kafka-${VERSION}`;

const LOG4J = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
`;

function serverProperties(dataDir: string, port: number, controllerPort: number): string {
  return `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${path.join(dataDir, 'kraft')}
num.partitions=1
auto.create.topics.enable=true
# single broker: internal topics must use RF 1 or the group coordinator never comes up
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# default 3000 ms; 0 makes consumer-group joins fast in tests
group.initial.rebalance.delay.ms=0
`;
}

let lib: string | undefined;

/**
 * The first consumer-group request creates __consumer_offsets; until it has a leader, clients get (and log) "The group
 * coordinator is not available". Do it once here so tests start against a fully usable broker.
 */
async function warmGroupCoordinator(brokers: string[]): Promise<void> {
  const admin = makeKafka(brokers, {
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 50 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeGroups(['sluice-test-warmup']);
  } finally {
    await admin.disconnect();
  }
}

export const kafka: ServerDef<'kafka'> = {
  name: 'kafka',
  title: `Apache Kafka ${VERSION} (KRaft)`,
  async install() {
    lib = await ensureMavenLib(MAVEN_NAME, DEPENDENCIES);
  },
  async start({ dataDir, background }) {
    if (!lib) await this.install();
    const cp = path.join(lib!, '*');
    const [port, controllerPort] = [await freePort(), await freePort()];
    const props = path.join(dataDir, 'server.properties');
    const log4j = path.join(dataDir, 'log4j.properties');
    writeFileSync(props, serverProperties(dataDir, port, controllerPort));
    writeFileSync(log4j, LOG4J);
    const logFlag = `-Dlog4j.configuration=file:${log4j}`;
    const clusterId = randomBytes(16).toString('base64url'); // 22 chars, like `kafka-storage random-uuid`
    const formatCds = jvmClassCache(`${MAVEN_NAME}-storage-tool`, dataDir);
    try {
      await execFileP(
        'java',
        [
          ...FAST_JVM_FLAGS,
          ...formatCds.flags,
          '-Xmx128m',
          logFlag,
          '-cp',
          cp,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId,
          '-c',
          props,
          '--ignore-formatted',
        ],
        { maxBuffer: 16 << 20 },
      );
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`kafka storage format failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
    formatCds.collect();
    const cds = jvmClassCache(MAVEN_NAME, dataDir);
    const proc = spawnServer({
      name: 'kafka',
      command: 'java',
      afterStop: cds.collect,
      args: [
        ...FAST_JVM_FLAGS,
        ...cds.flags,
        '-Xms128m',
        '-Xmx512m',
        logFlag,
        `-Dkafka.logs.dir=${path.join(dataDir, 'logs')}`,
        '-cp',
        cp,
        'kafka.Kafka',
        props,
      ],
      dataDir,
      background,
    });
    const info = { brokers: [`127.0.0.1:${port}`] };
    await waitReady(proc, () => this.probe(info), 120_000);
    await warmGroupCoordinator(info.brokers);
    return { info, proc };
  },
  async probe(info) {
    const admin = makeKafka(info.brokers, {
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      await admin.describeCluster();
    } finally {
      await admin.disconnect();
    }
  },
};
