// RabbitMQ from Debian's `rabbitmq-server` package, one private node per run: its own node name, Erlang cookie
// (HOME), epmd, ports and data dir, so it never meets the system-wide service or another run's node.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeAmqp } from '../clients.js';
import { freePort } from '../ports.js';
import { spawnServer, type ServerProcess } from '../proc.js';
import { commandExists, ensureCommand } from '../system.js';
import { waitReady } from '../wait.js';
import type { ServerDef } from './server.js';

const RABBITMQ_HOME = '/usr/lib/rabbitmq';
/** The script itself, not /usr/sbin/rabbitmq-server: that wrapper switches to the `rabbitmq` user and /var/lib. */
const RABBITMQ_SERVER = `${RABBITMQ_HOME}/bin/rabbitmq-server`;
/** CLI of a node started here: needs the node's HOME (cookie) and epmd port, see rabbitmqctlEnv(). */
export const RABBITMQCTL = `${RABBITMQ_HOME}/bin/rabbitmqctl`;

export interface RabbitmqPorts {
  amqp: number;
  /** Erlang distribution (rabbitmqctl talks to the node through it). */
  dist: number;
  /** A private epmd: the node never registers with a shared one on 4369. */
  epmd: number;
}

export const rabbitmqUrl = (amqpPort: number) => `amqp://guest:guest@127.0.0.1:${amqpPort}`;

export const rabbitmqNodeName = () => `sluice-${randomBytes(4).toString('hex')}@localhost`;

export async function rabbitmqPorts(): Promise<RabbitmqPorts> {
  const [amqp, dist, epmd] = await Promise.all([freePort(), freePort(), freePort()]);
  return { amqp, dist, epmd };
}

// epmd runs in the foreground inside the server's process group (a daemonized one would escape the group and
// outlive the stop), dies with the node (pdeathsig), and is up before the node looks for it. Then the shell
// becomes the node: rabbitmq-server execs erl, which execs beam.smp, so the spawned pid is the broker itself.
const LAUNCH = `
if command -v setpriv >/dev/null; then setpriv --pdeathsig KILL -- epmd -port "$ERL_EPMD_PORT" &
else epmd -port "$ERL_EPMD_PORT" & fi
i=0
until epmd -port "$ERL_EPMD_PORT" -names >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -gt 200 ] && { echo "epmd did not start on $ERL_EPMD_PORT" >&2; exit 1; }
  sleep 0.05
done
exec "$0"
`;

/** What rabbitmqctl needs to reach a node spawned here (run it as `rabbitmqctl -n <nodeName> ...`). */
export const rabbitmqctlEnv = (dataDir: string, ports: RabbitmqPorts) => ({
  HOME: dataDir, // erl creates its cookie in $HOME/.erlang.cookie: a fresh random one per data dir
  ERL_EPMD_PORT: String(ports.epmd),
});

/**
 * Spawns a RabbitMQ node with everything under `dataDir` (restart it with the same dir, node name and ports and it
 * recovers its durable queues). Logs go to `<dataDir>/rabbitmq.log`.
 */
export function spawnRabbitmq(opts: {
  dataDir: string;
  ports: RabbitmqPorts;
  nodeName: string;
  background: boolean;
}): ServerProcess {
  const { dataDir, ports } = opts;
  const conf = path.join(dataDir, 'rabbitmq.conf');
  if (!existsSync(conf)) writeFileSync(conf, '# sluice test server: defaults; /etc/rabbitmq is not read\n');
  writeFileSync(path.join(dataDir, 'enabled_plugins'), '[].\n');
  return spawnServer({
    name: 'rabbitmq',
    command: 'sh',
    args: ['-c', LAUNCH, RABBITMQ_SERVER],
    dataDir,
    background: opts.background,
    env: {
      ...rabbitmqctlEnv(dataDir, ports),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      RABBITMQ_NODENAME: opts.nodeName,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(ports.amqp),
      RABBITMQ_DIST_PORT: String(ports.dist),
      // -start_epmd false: if our epmd is gone, fail instead of daemonizing a stray one outside the group.
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}',
      RABBITMQ_CONF_ENV_FILE: path.join(dataDir, 'rabbitmq-env.conf'), // absent: /etc/rabbitmq's is not sourced
      RABBITMQ_CONFIG_FILE: conf,
      RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dataDir, 'advanced.config'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dataDir, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: path.join(dataDir, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(dataDir, 'log'),
      RABBITMQ_LOGS: '-', // to stdout, i.e. the harness' log file
      // Makes rabbitmq-server exec erl in place instead of running it behind a bash trap: one pid, pdeathsig holds.
      RUNNING_UNDER_SYSTEMD: 'true',
    },
  });
}

export const rabbitmq: ServerDef<'rabbitmq'> = {
  name: 'rabbitmq',
  title: 'RabbitMQ',
  async install() {
    // epmd comes with erlang-base, a dependency of the package.
    const fresh = !commandExists(RABBITMQ_SERVER);
    await ensureCommand(RABBITMQ_SERVER, ['rabbitmq-server']);
    // Where apt starts the packaged service, stop it: tests never use it (own node, cookie, epmd and ports).
    if (fresh && commandExists('systemctl')) {
      spawnSync('systemctl', ['disable', '--now', 'rabbitmq-server'], { stdio: 'ignore' });
    }
    const v = readdirSync(path.join(RABBITMQ_HOME, 'lib'))
      .map((d) => /^rabbitmq_server-(.+)$/.exec(d)?.[1])
      .find(Boolean);
    if (v) this.title = `RabbitMQ ${v}`;
  },
  async start({ dataDir, background }) {
    const ports = await rabbitmqPorts();
    const proc = spawnRabbitmq({ dataDir, ports, nodeName: rabbitmqNodeName(), background });
    const info = { url: rabbitmqUrl(ports.amqp) };
    await waitReady(proc, () => this.probe(info), 60_000, /BOOT FAILED|ERROR: epmd error|epmd did not start/);
    return { info, proc };
  },
  async probe(info) {
    // The AMQP listener opens last in the boot, so a declared queue means the broker is fully up.
    const conn = await makeAmqp(info.url, { timeout: 2_000 });
    conn.on('error', () => undefined);
    try {
      const ch = await conn.createChannel();
      await ch.assertQueue('', { exclusive: true, autoDelete: true });
    } finally {
      await conn.close().catch(() => undefined);
    }
  },
};
