// Runs a docs/coming-from-*.md guide as written, so it cannot rot. Fenced blocks carry a marker after the language:
//   ```yaml file=template.yaml```  the file, written into a fresh project directory
//   ```sh test=env```              `export K=V` lines, kept for every later command
//   ```sh test```                  commands run with bash -euo pipefail; a following ```text expect``` block lists
//                                  lines its output must contain
//   ```sh test=poll```             the same, run again (up to a minute) until its ```text expect``` matches
//   ```sh test=start```            `sluice start ...`, run in the background until the guide ends (then SIGTERM)
//   ```text log```                 lines sluice's output must come to contain
// Blocks without a marker are prose. `sluice` is the built CLI, `aws` the pinned AWS CLI v1 (test/services/awscli.ts).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { installAwsCli } from '../../services/awscli.js';

const run = promisify(execFile);
const MAIN = path.resolve('dist/src/main.js');

export interface GuideStep {
  kind: 'file' | 'env' | 'test' | 'poll' | 'start' | 'expect' | 'log';
  /** The file's path for `file`. */
  arg?: string;
  text: string;
}

/** The marked blocks of a guide, in order; `replace` rewrites the text first (ports, unique names). */
export function guideSteps(markdown: string, replace: [RegExp | string, string][] = []): GuideStep[] {
  let text = markdown;
  for (const [from, to] of replace) text = text.replaceAll(from, to);
  const steps: GuideStep[] = [];
  const fence = /^```(\w+)([^\n]*)\n([\s\S]*?)^```\s*$/gm;
  for (const m of text.matchAll(fence)) {
    const [, lang, info, body] = m as unknown as [string, string, string, string];
    const file = /\bfile=(\S+)/.exec(info);
    if (file) steps.push({ kind: 'file', arg: file[1], text: body });
    else if (lang === 'sh' && /\btest=(env|poll|start)\b/.test(info))
      steps.push({ kind: /\btest=(\w+)/.exec(info)![1] as GuideStep['kind'], text: body });
    else if (lang === 'sh' && /\btest\b/.test(info)) steps.push({ kind: 'test', text: body });
    else if (lang === 'text' && /\b(expect|log)\b/.test(info))
      steps.push({ kind: /\blog\b/.test(info) ? 'log' : 'expect', text: body });
  }
  return steps;
}

const linesOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
const missing = (want: string, have: string) => linesOf(want).filter((l) => !have.includes(l));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface GuideRun {
  dir: string;
  /** Everything sluice printed (its own lines and its functions'). */
  logs: string[];
  /** Each test block's command output, in order. */
  outputs: string[];
}

/** Runs the steps in a fresh directory; throws at the first step that fails, with what it saw. */
export async function runGuide(steps: GuideStep[], baseEnv: Record<string, string> = {}): Promise<GuideRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-guide-'));
  const bin = path.join(dir, '.bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'sluice'), `#!/bin/sh\nexec "${process.execPath}" "${MAIN}" "$@"\n`, { mode: 0o755 });
  const aws = await installAwsCli();
  const env: Record<string, string> = {
    PATH: [bin, path.dirname(aws), path.dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(':'),
    HOME: dir,
    LANG: 'C.UTF-8',
    AWS_CONFIG_FILE: path.join(dir, '.no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, '.no-aws-credentials'),
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...baseEnv,
  };
  const result: GuideRun = { dir, logs: [], outputs: [] };
  let service: ChildProcess | undefined;
  let exited: Promise<number | null> | undefined;
  const shell = async (script: string) => {
    try {
      const r = await run('bash', ['-euo', 'pipefail', '-c', script], { cwd: dir, env, timeout: 120_000 });
      return r.stdout + r.stderr;
    } catch (err) {
      const e = err as Error & { stdout?: string; stderr?: string };
      throw new Error(
        `guide command failed:\n${script}\n${e.stdout ?? ''}${e.stderr ?? ''}\nsluice:\n${result.logs.join('\n')}`,
        { cause: err },
      );
    }
  };
  try {
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      const next = steps[i + 1]?.kind === 'expect' ? steps[i + 1]!.text : undefined;
      if (step.kind === 'file') {
        const file = path.join(dir, step.arg!);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, step.text);
      } else if (step.kind === 'env') {
        for (const m of step.text.matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
      } else if (step.kind === 'test' || step.kind === 'poll') {
        for (const deadline = Date.now() + 60_000; ; await sleep(1000)) {
          const out = await shell(step.text);
          const lacking = next === undefined ? [] : missing(next, out);
          if (lacking.length === 0) {
            result.outputs.push(out);
            break;
          }
          if (step.kind === 'test' || Date.now() > deadline)
            throw new Error(
              `guide output lacks ${JSON.stringify(lacking)}:\n${step.text}\n→\n${out}\nsluice:\n${result.logs.join('\n')}`,
            );
        }
      } else if (step.kind === 'start') {
        const child = spawn('bash', ['-c', `exec ${step.text.trim()}`], {
          cwd: dir,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        service = child;
        exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
        for (const s of [child.stdout, child.stderr])
          createInterface({ input: s }).on('line', (l) => result.logs.push(l));
        await waitForLogs('sluice started', result.logs, exited);
      } else if (step.kind === 'log') {
        await waitForLogs(step.text, result.logs, exited);
      }
    }
  } finally {
    service?.kill('SIGTERM');
  }
  // Stopped as a user would (Ctrl-C/SIGTERM): sluice drains and exits 0.
  const code = await exited;
  if (exited && code !== 0) throw new Error(`sluice exited with ${code} on SIGTERM:\n${result.logs.join('\n')}`);
  return result;
}

async function waitForLogs(want: string, logs: string[], exited?: Promise<number | null>) {
  let gone: number | null | undefined;
  void exited?.then((code) => (gone = code));
  for (const deadline = Date.now() + 60_000; ; await sleep(250)) {
    const lacking = missing(want, logs.join('\n'));
    if (lacking.length === 0) return;
    if (gone !== undefined || Date.now() > deadline)
      throw new Error(
        `sluice output lacks ${JSON.stringify(lacking)}${gone !== undefined ? ` (exited ${gone})` : ''}:\n${logs.join('\n')}`,
      );
  }
}

export const readGuide = (name: string) => readFileSync(path.resolve('docs', name), 'utf8');
