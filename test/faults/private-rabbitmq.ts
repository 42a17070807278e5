// A PRIVATE RabbitMQ node for broker-restart scenarios (the shared test server must never be restarted): fixed
// free loopback ports, node name and data dir, so a SIGKILLed node starts again at the same address with the same
// mnesia and message stores. Spawned exactly like the shared one (test/services/servers/rabbitmq.ts).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { groupAlive, stopProcessGroup, type ServerProcess } from '../services/proc.js';
import {
  rabbitmq,
  rabbitmqNodeName,
  rabbitmqPorts,
  RABBITMQCTL,
  rabbitmqctlEnv,
  rabbitmqUrl,
  spawnRabbitmq,
  type RabbitmqPorts,
} from '../services/servers/rabbitmq.js';
import { waitReady } from '../services/wait.js';

const execFileP = promisify(execFile);

export class PrivateRabbitmq {
  private proc: ServerProcess | undefined;
  private constructor(
    private readonly dir: string,
    readonly ports: RabbitmqPorts,
    readonly nodeName: string,
  ) {}

  static async start(): Promise<PrivateRabbitmq> {
    await rabbitmq.install();
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-faults-rabbitmq-'));
    const r = new PrivateRabbitmq(dir, await rabbitmqPorts(), rabbitmqNodeName());
    await r.up();
    return r;
  }

  get url(): string {
    return rabbitmqUrl(this.ports.amqp);
  }

  get logFile(): string | undefined {
    return this.proc?.logFile;
  }

  /** Starts (or restarts) the node on the same ports, node name and data dir; resolves once AMQP answers. */
  async up(): Promise<void> {
    const proc = spawnRabbitmq({ dataDir: this.dir, ports: this.ports, nodeName: this.nodeName, background: false });
    this.proc = proc;
    await waitReady(proc, () => rabbitmq.probe({ url: this.url }), 120_000);
  }

  /** Runs rabbitmqctl against this node (e.g. `close_all_connections`, `list_queues`); resolves to its stdout. */
  async ctl(...args: string[]): Promise<string> {
    const { stdout } = await execFileP(RABBITMQCTL, ['-n', this.nodeName, ...args], {
      env: { ...process.env, ...rabbitmqctlEnv(this.dir, this.ports) },
      timeout: 60_000,
    });
    return stdout;
  }

  /** SIGKILL of the whole group (beam.smp and its epmd): a crash, not a clean shutdown. */
  async crash(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (p === undefined) return;
    process.kill(-p.pid, 'SIGKILL');
    while (groupAlive(p.pid)) await new Promise((r) => setTimeout(r, 50));
  }

  /** SIGTERM: RabbitMQ's clean shutdown (SIGKILL after 15 s). */
  async down(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (p !== undefined) await stopProcessGroup(p.pid, 15_000);
  }

  /** down() and remove the data dir. */
  async stop(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
