// The live display while `npm run bench` runs, on stderr so stdout keeps only the table: on a terminal one line
// rewritten in place (scenario i/n, its latest message, elapsed), elsewhere (CI, a pipe) one plain line per message.

export interface Progress {
  begin(index: number, total: number, id: string): void;
  message(text: string): void;
  end(ok: boolean, detail: string): void;
  close(): void;
}

export interface ProgressOptions {
  tty: boolean;
  write: (s: string) => void;
  now?: () => number;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(0)}s`;

export function createProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? (() => performance.now());
  const startedAt = now();
  let scenarioAt = startedAt;
  let head = '';
  let last = '';
  let timer: NodeJS.Timeout | undefined;
  const width = () => Math.max(40, (process.stderr.columns || 100) - 1);

  const draw = () => {
    const line = `${head} ${last} · ${secs(now() - scenarioAt)} (total ${secs(now() - startedAt)})`;
    opts.write(`\r\x1b[2K${line.slice(0, width())}`);
  };

  return {
    begin(index, total, id) {
      head = `[${index}/${total}] ${id}:`;
      last = 'starting';
      scenarioAt = now();
      if (opts.tty) {
        draw();
        timer ??= setInterval(draw, 1000);
        timer.unref();
      } else {
        opts.write(`${head} starting\n`);
      }
    },
    message(text) {
      last = text;
      if (opts.tty) draw();
      else opts.write(`${head} ${text} (${secs(now() - scenarioAt)})\n`);
    },
    end(ok, detail) {
      const line = `${head} ${ok ? 'done' : 'FAILED'} in ${secs(now() - scenarioAt)}${detail ? ` — ${detail}` : ''}`;
      opts.write(opts.tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
