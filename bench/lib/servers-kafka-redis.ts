// Where the Kafka and Redis benchmarks find their servers: SLUICE_KAFKA_BROKERS / SLUICE_REDIS_URL, else the
// shared test servers in .services/servers.json (npm run services:up).
import { readFileSync } from 'node:fs';

interface ServersFile {
  servers?: { kafka?: { brokers?: string[] }; redis?: { url?: string } };
}

function serversFile(): ServersFile {
  try {
    return JSON.parse(readFileSync('.services/servers.json', 'utf8')) as ServersFile;
  } catch {
    return {};
  }
}

export function kafkaBrokers(): string[] {
  const env = (process.env.SLUICE_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  const brokers = env.length > 0 ? env : (serversFile().servers?.kafka?.brokers ?? []);
  if (brokers.length === 0)
    throw new Error('no Kafka: set SLUICE_KAFKA_BROKERS=host:port[,...] or run npm run services:up');
  return brokers;
}

export function redisUrl(): string {
  const url = process.env.SLUICE_REDIS_URL || serversFile().servers?.redis?.url;
  if (!url) throw new Error('no Redis: set SLUICE_REDIS_URL=redis://host:port or run npm run services:up');
  return url;
}
