import { existsSync, readFileSync } from 'node:fs';
import { say } from './log.js';
import { servicesFile } from './paths.js';
import { SERVERS } from './servers/index.js';
import { isSelectedKafka } from './servers/kafka.js';
import type { ServerDef } from './servers/server.js';
import type { ServerName, ServersInfo } from './types.js';

/** Contents of .services/servers.json, written by `npm run services:up`. */
export interface ServicesFile {
  rootDir: string;
  servers: ServersInfo;
  processes: Partial<Record<ServerName, { pid: number; logFile: string }>>;
}

export function readServicesFile(): ServicesFile | undefined {
  if (!existsSync(servicesFile)) return undefined;
  return JSON.parse(readFileSync(servicesFile, 'utf8')) as ServicesFile;
}

/** The subset of `names` that the running services:up servers serve and that answer a real request now. */
export async function answeringServers(file: ServicesFile, names: ServerName[]): Promise<ServersInfo> {
  const out: ServersInfo = {};
  await Promise.all(
    names.map(async (name) => {
      const info = file.servers[name];
      if (!info) return;
      if (name === 'kafka' && !isSelectedKafka(info as { version?: string })) {
        say(`kafka from ${servicesFile} is not the release SLUICE_KAFKA_VERSION selects; starting a new one`);
        return;
      }
      try {
        await (SERVERS[name] as ServerDef).probe(info);
        (out as Record<string, unknown>)[name] = info;
      } catch (e) {
        say(`${name} from ${servicesFile} does not answer (${String(e)}); starting a new one`);
      }
    }),
  );
  return out;
}
