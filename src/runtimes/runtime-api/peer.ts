// Who is on the other end of a Runtime API connection: the listener is on loopback, where any local process could
// connect, so each connection is matched (Linux /proc) to a socket held by the environment's process or one of its
// descendants. Elsewhere (no /proc) the check cannot be made and loopback is the only bound (README).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Socket } from 'node:net';

/** true/false on Linux; undefined where /proc cannot tell. */
export function peerIsProcessTree(socket: Socket, rootPid: number | undefined): boolean | undefined {
  if (socket.remoteAddress !== '127.0.0.1' && socket.remoteAddress !== '::ffff:127.0.0.1') return false;
  const inode = socketInode(socket.remotePort, socket.localPort);
  if (inode === undefined) return undefined;
  if (rootPid === undefined) return false;
  const link = `socket:[${inode}]`;
  return processTree(rootPid).some((pid) => holds(pid, link));
}

// The connecting side's entry in /proc/net/tcp: local = its port, remote = ours.
function socketInode(peerPort: number | undefined, ourPort: number | undefined): string | undefined {
  if (peerPort === undefined || ourPort === undefined) return undefined;
  let table: string;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return undefined;
  }
  // A dual-stack IPv6 socket (Java's default) connects as ::ffff:127.0.0.1 and is listed in tcp6.
  let table6 = '';
  try {
    table6 = readFileSync('/proc/net/tcp6', 'utf8');
  } catch {
    // no IPv6
  }
  const v4 = '0100007F';
  const v6 = '0000000000000000FFFF00000100007F';
  for (const [rows, ip] of [
    [table, v4],
    [table6, v6],
  ] as const) {
    const local = `${ip}:${hex(peerPort)}`;
    const remote = `${ip}:${hex(ourPort)}`;
    for (const line of rows.split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f[1] === local && f[2] === remote) return f[9];
    }
  }
  return '0'; // no such socket: not one of ours to trust
}

function hex(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}

function processTree(root: number): number[] {
  const out: number[] = [];
  const todo = [root];
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    out.push(pid);
    for (const tid of list(`/proc/${pid}/task`)) {
      try {
        const kids = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (kids) todo.push(...kids.split(/\s+/).map(Number));
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return out;
}

function holds(pid: number, link: string): boolean {
  return list(`/proc/${pid}/fd`).some((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === link;
    } catch {
      return false;
    }
  });
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
