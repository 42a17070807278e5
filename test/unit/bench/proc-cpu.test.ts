// #20: the benchmark reads CPU time from /proc to show whether an emulator (ElasticMQ, kinesalite, DynamoDB Local) or
// the Kafka broker, rather than sluice, bounds a row: the parsers behind it, and the note it writes into the row.
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  busiestThreadMs,
  cpuMs,
  listeningInodes,
  listeningPid,
  parseMachineTicks,
  parseStatCpuTicks,
  serverCpuParams,
} from '../../../bench/lib/proc-cpu.js';

describe('bench /proc CPU (#20)', () => {
  it('reads utime + stime from a stat line whose command name holds spaces and parentheses', () => {
    const stat = '4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 566 0 0 20 0 40 0 99 0 0';
    expect(parseStatCpuTicks(stat)).toBe(1800);
    expect(() => parseStatCpuTicks('garbage')).toThrow(/stat/);
  });

  it('finds the inode of the socket listening on a port, not of connections to it', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:9380 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0',
      '   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0 100 0 0 10 0',
      '   2: 0100007F:D2A0 0100007F:9380 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0 100 0 0 10 0',
    ].join('\n');
    expect(listeningInodes(tcp, 0x9380)).toEqual(['111']);
    expect(listeningInodes(tcp, 8080)).toEqual(['222']);
    expect(listeningInodes(tcp, 1)).toEqual([]);
  });

  it.runIf(process.platform === 'linux')('finds this process as the one listening on its own port', async () => {
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = srv.address() as { port: number };
      expect(listeningPid(port)).toBe(process.pid);
      expect(cpuMs(process.pid)).toBeGreaterThan(0);
    } finally {
      srv.close();
    }
  });

  it('calls a row server-bound only when the server (or its busiest thread) is near a core and busier than the client', () => {
    const cpu = (total: number, top: number) => ({
      total: { sluice: total, raw: total },
      topThread: { sluice: top, raw: top },
    });
    const bound = serverCpuParams('ElasticMQ', cpu(99.4, 40), { sluice: 45, raw: 50 });
    expect(bound.serverCpu).toBe(
      'ElasticMQ CPU 99 % / 99 % (sluice / raw), busiest thread 40 % / 40 %, bench process 45 % / 50 %: server-bound',
    );
    // one thread of a multi-threaded server at a core bounds it too
    expect(serverCpuParams('x', cpu(120, 97), { sluice: 45, raw: 50 }).boundBy).toBe('server / server');
    expect(serverCpuParams('x', cpu(60, 40), { sluice: 45, raw: 50 }).serverCpu).toContain(': neither saturated');
    expect(serverCpuParams('x', cpu(60, 40), { sluice: 99, raw: 50 }).serverCpu).toContain(
      ': sluice client-bound, raw neither-bound',
    );
    expect(serverCpuParams('x', { total: {}, topThread: {} }, { sluice: 45 }).serverCpu).toBe(
      'x CPU ? / ? (sluice / raw), busiest thread ? / ?, bench process 45 % / ?',
    );
  });

  it('shows the whole machine and says so when every core was busy', () => {
    const cores = availableParallelism() * 100;
    const cpu = (machine: number) => ({
      total: { sluice: 60, raw: 60 },
      topThread: { sluice: 40, raw: 40 },
      machine: { sluice: machine, raw: machine },
    });
    const busy = serverCpuParams('x', cpu(cores), { sluice: 45, raw: 50 }).serverCpu;
    expect(busy).toContain(`machine ${cores} % / ${cores} % of ${cores} %`);
    expect(busy).toMatch(/; every core busy$/);
    expect(serverCpuParams('x', cpu(cores / 2), { sluice: 45, raw: 50 }).serverCpu).not.toContain('every core');
  });

  it('takes the busiest thread from two readings, a new thread counting from zero', () => {
    const before = new Map([
      ['1/1', 100],
      ['1/2', 50],
    ]);
    const after = new Map([
      ['1/1', 130],
      ['1/2', 90],
      ['1/3', 35],
    ]);
    expect(busiestThreadMs(before, after)).toBe(40);
  });
});

describe('bench machine CPU (#20)', () => {
  it('counts every state but idle and iowait of the summed cpu line as busy', () => {
    const stat = 'cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 50 2 25 400 10 1 1 0 0 0\nintr 1\n';
    expect(parseMachineTicks(stat)).toEqual({ busy: 160, total: 980 });
    expect(() => parseMachineTicks('intr 1')).toThrow(/cpu/);
  });
});
