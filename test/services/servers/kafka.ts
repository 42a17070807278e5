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

/** A Kafka release the tests can run against: its jars and how it is told where its log configuration is. */
export interface KafkaRelease {
  version: string;
  /** Maven coordinates of the broker and a logging backend (kafka_2.13 ships none at runtime). */
  dependencies: string[];
  /** Cache directory name under SLUICE_CACHE_DIR. */
  mavenName: string;
  /** Writes the logging configuration (root level `level`) into `dir`; returns the JVM flag that loads it. */
  logConfig(dir: string, level: 'INFO' | 'WARN'): string;
}

// Loggers that flood the output of a test broker at INFO.
const QUIET = ['kafka.request.logger', 'state.change.logger', 'org.apache.kafka.clients'];

const KAFKA_3: KafkaRelease = {
  version: '3.9.1',
  mavenName: 'kafka-3.9.1',
  dependencies: [
    'org.apache.kafka:kafka_2.13:3.9.1',
    'org.slf4j:slf4j-reload4j:1.7.36',
    'ch.qos.reload4j:reload4j:1.2.25',
  ],
  logConfig(dir, level) {
    const file = path.join(dir, 'log4j.properties');
    writeFileSync(
      file,
      [
        `log4j.rootLogger=${level}, stdout`,
        'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
        'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
        'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
        ...QUIET.map((l) => `log4j.logger.${l}=WARN`),
        // Start/stop lines stay visible under WARN, so a restarted private broker's log shows when it was up.
        'log4j.logger.kafka.server.KafkaServer=INFO',
        'log4j.logger.kafka.server.BrokerServer=INFO',
        '',
      ].join('\n'),
    );
    return `-Dlog4j.configuration=file:${file}`;
  },
};

// Kafka 4 logs through log4j 2 (KIP-653); its pom names slf4j-api 1.7 and log4j-core but no slf4j binding.
const KAFKA_4: KafkaRelease = {
  version: '4.4.0',
  mavenName: 'kafka-4.4.0',
  dependencies: [
    'org.apache.kafka:kafka_2.13:4.4.0',
    'org.slf4j:slf4j-api:2.0.17',
    'org.apache.logging.log4j:log4j-slf4j2-impl:2.25.5',
  ],
  logConfig(dir, level) {
    const file = path.join(dir, 'log4j2.properties');
    const loggers = [...QUIET.map((name) => [name, 'WARN']), ['kafka.server.BrokerServer', 'INFO']];
    writeFileSync(
      file,
      [
        'status = warn',
        'appender.stdout.type = Console',
        'appender.stdout.name = STDOUT',
        'appender.stdout.layout.type = PatternLayout',
        'appender.stdout.layout.pattern = [%d] %p %m (%c)%n',
        `rootLogger.level = ${level.toLowerCase()}`,
        'rootLogger.appenderRef.stdout.ref = STDOUT',
        ...loggers.flatMap(([name, lvl], i) => [`logger.l${i}.name = ${name}`, `logger.l${i}.level = ${lvl}`]),
        '',
      ].join('\n'),
    );
    return `-Dlog4j2.configurationFile=${file}`;
  },
};

export const KAFKA_RELEASES = { '3': KAFKA_3, '4': KAFKA_4 } as const;

/** SLUICE_KAFKA_VERSION picks the broker the `kafka` server runs: unset or 3 = Kafka 3.9, 4 = Kafka 4.x. */
export function kafkaRelease(raw = process.env.SLUICE_KAFKA_VERSION): KafkaRelease {
  const major = (raw ?? '').trim() || '3';
  if (major === '3' || major === '4') return KAFKA_RELEASES[major];
  throw new Error(`SLUICE_KAFKA_VERSION=${raw}: use 3 (Kafka ${KAFKA_3.version}) or 4 (Kafka ${KAFKA_4.version})`);
}

/**
 * A random cluster id as `kafka-storage random-uuid` makes it: 16 bytes in URL-safe base64, 22 characters, never
 * starting with `-` (one id in 64 did, and the storage tool then read it as an option: "empty --cluster-id").
 */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Formats the KRaft log dirs of `props` (`kafka-storage format`), as the first start of a broker needs. */
export async function formatKafkaStorage(
  release: KafkaRelease,
  props: string,
  logFlag: string,
  extraJvmFlags: string[] = [],
): Promise<void> {
  const clusterId = kafkaClusterId();
  const cp = path.join(await ensureMavenLib(release.mavenName, release.dependencies), '*');
  try {
    await execFileP(
      'java',
      [
        ...FAST_JVM_FLAGS,
        ...extraJvmFlags,
        '-Xmx128m',
        logFlag,
        '-cp',
        cp,
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId}`,
        '-c',
        props,
        '--ignore-formatted',
      ],
      { maxBuffer: 16 << 20 },
    );
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`kafka storage format failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`, {
      cause: e,
    });
  }
}

/** Single-node KRaft (broker + controller in one process), valid for Kafka 3.9 and 4.x. */
export function kafkaServerProperties(dataDir: string, port: number, controllerPort: number): string {
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

const release = kafkaRelease();

/** Whether a running broker (from .services) is the release SLUICE_KAFKA_VERSION asks for. */
export const isSelectedKafka = (info: { version?: string }) => (info.version ?? KAFKA_3.version) === release.version;

/** The releases SLUICE_KAFKA_VERSION did not pick: `services:install` fetches them too, so switching downloads nothing. */
export const otherKafkaInstalls = Object.entries(KAFKA_RELEASES)
  .filter(([, r]) => r !== release)
  .map(([major, r]) => ({
    title: `Apache Kafka ${r.version} (SLUICE_KAFKA_VERSION=${major})`,
    install: async () => void (await ensureMavenLib(r.mavenName, r.dependencies)),
  }));

export const kafka: ServerDef<'kafka'> = {
  name: 'kafka',
  title: `Apache Kafka ${release.version} (KRaft)`,
  async install() {
    await ensureMavenLib(release.mavenName, release.dependencies);
  },
  async start({ dataDir, background }) {
    const cp = path.join(await ensureMavenLib(release.mavenName, release.dependencies), '*');
    const [port, controllerPort] = [await freePort(), await freePort()];
    const props = path.join(dataDir, 'server.properties');
    writeFileSync(props, kafkaServerProperties(dataDir, port, controllerPort));
    const logFlag = release.logConfig(dataDir, 'INFO');
    const formatCds = jvmClassCache(`${release.mavenName}-storage-tool`, dataDir);
    await formatKafkaStorage(release, props, logFlag, formatCds.flags);
    formatCds.collect();
    const cds = jvmClassCache(release.mavenName, dataDir);
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
    const info = { brokers: [`127.0.0.1:${port}`], version: release.version };
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
