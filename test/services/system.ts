import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { say } from './log.js';

const execFileP = promisify(execFile);

export function commandExists(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let aptChain: Promise<unknown> = Promise.resolve();

/** Installs a Debian package when `cmd` is missing (root only); apt runs are serialized (dpkg has one lock). */
export async function ensureCommand(cmd: string, aptPackages: string[]): Promise<void> {
  if (commandExists(cmd)) return;
  const run = aptChain.then(async () => {
    if (commandExists(cmd)) return;
    if (process.getuid?.() !== 0) {
      throw new Error(`'${cmd}' is missing; install it with: sudo apt-get install -y ${aptPackages.join(' ')}`);
    }
    say(`'${cmd}' missing: apt-get install -y ${aptPackages.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await execFileP('apt-get', ['update', '-q'], { env, maxBuffer: 64 << 20 });
    await execFileP('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...aptPackages], {
      env,
      maxBuffer: 64 << 20,
    });
    if (!commandExists(cmd))
      throw new Error(`apt-get installed ${aptPackages.join(' ')} but '${cmd}' is still missing`);
  });
  aptChain = run.catch(() => undefined);
  await run;
}
