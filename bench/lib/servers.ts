// Where the benchmark servers are: the same env vars the old one-off benches read, else the .services/servers.json
// that `npm run services:up` writes. A missing server fails only the scenario that needs it, with this message.
import { existsSync, readFileSync } from 'node:fs';
import { listeningPid } from './proc-cpu.js';

interface ServersFile {
  servers?: {
    sqs?: { endpoint?: string };
    kinesis?: { endpoint?: string };
    dynamodb?: { endpoint?: string };
    redis?: { url?: string };
    kafka?: { brokers?: string[] };
  };
}

const SERVERS_FILE = '.services/servers.json';

function fromFile(): ServersFile['servers'] {
  if (!existsSync(SERVERS_FILE)) return undefined;
  return (JSON.parse(readFileSync(SERVERS_FILE, 'utf8')) as ServersFile).servers;
}

function missing(what: string, env: string): Error {
  return new Error(`no ${what} server: set ${env} or run \`npm run services:up\` (writes ${SERVERS_FILE})`);
}

export function sqsEndpoint(): string {
  const url = process.env.SLUICE_SQS_ENDPOINT || fromFile()?.sqs?.endpoint;
  if (!url) throw missing('SQS (ElasticMQ)', 'SLUICE_SQS_ENDPOINT');
  return url;
}

export function kinesisEndpoint(): string {
  const url = process.env.SLUICE_KINESIS_ENDPOINT || fromFile()?.kinesis?.endpoint;
  if (!url) throw missing('Kinesis (kinesalite)', 'SLUICE_KINESIS_ENDPOINT');
  return url;
}

export function dynamoDbEndpoint(): string {
  const url = process.env.SLUICE_DYNAMODB_ENDPOINT || fromFile()?.dynamodb?.endpoint;
  if (!url) throw missing('DynamoDB Local', 'SLUICE_DYNAMODB_ENDPOINT');
  return url;
}

export function redisUrl(): string {
  const url = process.env.SLUICE_REDIS_URL || fromFile()?.redis?.url;
  if (!url) throw missing('Redis', 'SLUICE_REDIS_URL');
  return url;
}

/** Comma-separated in SLUICE_KAFKA_BROKERS. */
export function kafkaBrokers(): string[] {
  const env = process.env.SLUICE_KAFKA_BROKERS;
  const brokers = env ? env.split(',').map((b) => b.trim()) : (fromFile()?.kafka?.brokers ?? []);
  if (brokers.length === 0) throw missing('Kafka', 'SLUICE_KAFKA_BROKERS');
  return brokers;
}

/**
 * The pid of the server behind `endpoint` (a URL or host:port): the process listening on its port, else the pid that
 * `npm run services:up` recorded for `name`; undefined when neither is found (its CPU is then not reported).
 */
export function serverPid(name: string, endpoint: string): number | undefined {
  const port = Number(/:(\d+)(?:\/|$)/.exec(endpoint)?.[1]);
  const listening = Number.isInteger(port) ? listeningPid(port) : undefined;
  if (listening !== undefined) return listening;
  if (!existsSync(SERVERS_FILE)) return undefined;
  const file = JSON.parse(readFileSync(SERVERS_FILE, 'utf8')) as { processes?: Record<string, { pid?: number }> };
  return file.processes?.[name]?.pid;
}
