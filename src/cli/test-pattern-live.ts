// `sluice test-pattern --mapping UUID --sample N [--pattern … | --pattern-file F]` (#21 item 4): asks a running sluice
// (GET /sluice/mappings/{uuid}/test-pattern) for the mapping's N most recent records, read without moving anything,
// and prints which the mapping's current FilterCriteria and the proposed one match.
import type { FilterCriteria } from '../core/filter/index.js';

export interface LiveIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

export interface LiveOptions {
  mapping: string;
  sample: number;
  proposed?: FilterCriteria;
  url?: string;
  token?: string;
  json: boolean;
}

interface Answer {
  current: unknown;
  sampled: number;
  matches: { current: number; proposed?: number };
  records: Array<{ shardId: string; position: string; current: boolean; proposed?: boolean }>;
}

const verdict = (b: boolean) => (b ? 'match' : 'no match');

/** Exit status 0 when the answer came, 1 when sluice refused or could not be reached. */
export async function runLiveSample(o: LiveOptions, io: LiveIo): Promise<number> {
  const base = (o.url ?? io.env.SLUICE_URL ?? 'http://127.0.0.1:9001').replace(/\/+$/, '');
  const token = o.token ?? io.env.SLUICE_TOKEN;
  const query = new URLSearchParams({ sample: String(o.sample) });
  if (o.proposed !== undefined) query.set('criteria', JSON.stringify(o.proposed));
  const url = `${base}/sluice/mappings/${encodeURIComponent(o.mapping)}/test-pattern?${query.toString()}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  } catch (err) {
    io.stderr(`could not reach sluice at ${base}: ${(err as Error).message}\n`);
    return 1;
  }
  const text = await res.text();
  if (!res.ok) {
    io.stderr(`${res.status} ${text}\n`);
    return 1;
  }
  const answer = JSON.parse(text) as Answer;
  if (o.json) {
    io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
    return 0;
  }
  for (const r of answer.records) {
    const proposed = r.proposed === undefined ? '' : `  proposed: ${verdict(r.proposed)}`;
    io.stdout(`${r.shardId} @ ${r.position}  current: ${verdict(r.current)}${proposed}\n`);
  }
  const proposedSummary =
    answer.matches.proposed === undefined ? '' : `, proposed pattern matches ${answer.matches.proposed}`;
  const currentNote = answer.current === null ? ' (no FilterCriteria: every record)' : '';
  io.stdout(
    `${answer.sampled} recent records: current FilterCriteria matches ${answer.matches.current}${currentNote}${proposedSummary}\n`,
  );
  return 0;
}
