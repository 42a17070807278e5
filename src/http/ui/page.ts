/// <reference lib="dom" />
// The operator page's script (#21 item 5), compiled by the normal build and served as /sluice/ui/page.js under a
// strict Content-Security-Policy (no inline script). It only calls the API, with the API's auth: a bearer token
// typed in (or given as #token=… in the address, which never reaches the server) and kept in this tab's
// sessionStorage. Everything shown is set as text, never parsed as HTML.

interface Lane {
  status: string;
  busy: boolean;
  waiting: number;
  failing?: {
    since: string;
    attempts: number;
    firstPosition: string;
    lastPosition: string;
    records: number;
    error: string;
  };
}
interface Shard {
  shardId: string;
  owner: string;
  paused: boolean;
  position: { checkpoint?: string; lastRead?: string; pending: number; lag?: unknown };
  lanes: Lane[];
  [extra: string]: unknown;
}
interface Mapping {
  UUID: string;
  FunctionArn?: string;
  EventSourceArn?: string;
  State?: string;
}
interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const TOKEN_KEY = 'sluice-token';
const REFRESH_MS = 2000;
let token: string | null = sessionStorage.getItem(TOKEN_KEY);
let busy = false;

/** A value as text: strings as they are, anything else as JSON. */
const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : (JSON.stringify(v) ?? '');

const byId = (id: string): HTMLElement => {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`#${id} missing`);
  return e;
};

function el(tag: string, props: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function button(label: string, action: string, onClick: () => Promise<void>): HTMLElement {
  const b = el('button', { type: 'button', 'data-action': action }, label);
  b.addEventListener('click', () => void run(onClick));
  return b;
}

function say(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const s = byId('status');
  s.textContent = text;
  s.className = kind;
}

async function api(method: string, path: string, body?: object): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const raw = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    parsed = { message: raw };
  }
  if (res.status === 403 && /token/i.test(text(parsed.message))) byId('auth').hidden = false;
  return { status: res.status, body: parsed };
}

/** Runs an action, says how it went, then refreshes; one at a time. */
async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    say(err instanceof Error ? err.message : String(err), 'error');
  }
  await refresh();
}

function report(what: string, a: Answer): void {
  if (a.status >= 400) throw new Error(`${what}: ${a.status} ${text(a.body.message)}`);
  const result = a.body.result as { reason?: string } | undefined;
  say(`${what}: ${text(a.body.status ?? a.status)}${result?.reason ? ` (${result.reason})` : ''}`);
}

const shardPath = (uuid: string, shard?: string) =>
  `/sluice/mappings/${encodeURIComponent(uuid)}/shards${shard === undefined ? '' : `/${encodeURIComponent(shard)}`}`;

function shardActions(uuid: string, s: Shard): HTMLElement {
  const cell = el('td', { class: 'actions' });
  const failing = s.lanes.some((l) => l.failing !== undefined);
  const post = (action: string, body: object = {}) => api('POST', `${shardPath(uuid, s.shardId)}/${action}`, body);
  if (failing) {
    cell.append(button('skip', 'skip', async () => report(`skip ${s.shardId}`, await post('skip'))));
    cell.append(
      button('park…', 'park', async () => {
        const destination = prompt('Park the failing batch in which destination (address)?');
        if (destination) report(`park ${s.shardId}`, await post('park', { destination }));
      }),
    );
  }
  cell.append(
    s.paused
      ? button('resume', 'resume', async () => report(`resume ${s.shardId}`, await post('resume')))
      : button('pause', 'pause', async () => report(`pause ${s.shardId}`, await post('pause'))),
  );
  cell.append(
    button('seek…', 'seek', async () => {
      const to = prompt('Resume after which position (digits), or at which time (ISO 8601)?');
      if (!to) return;
      report(`seek ${s.shardId}`, await post('seek', /^\d+$/.test(to) ? { position: to } : { timestamp: to }));
    }),
  );
  return cell;
}

function stateOf(s: Shard): string {
  if (s.paused) return 'paused';
  const f = s.lanes.find((l) => l.failing !== undefined);
  if (f) return 'blocked';
  return s.lanes.some((l) => l.busy) ? 'running' : 'idle';
}

function lagOf(s: Shard): string {
  // `lag: {records?, iteratorAgeMs?}` of the shard view (#21); anything else as the API gives it.
  const lag = s.lag ?? s.position.lag;
  if (typeof lag !== 'object' || lag === null) return text(lag);
  const { records, iteratorAgeMs } = lag as { records?: unknown; iteratorAgeMs?: unknown };
  const parts = [
    typeof records === 'number' ? `${records} rec` : '',
    typeof iteratorAgeMs === 'number' ? `${(iteratorAgeMs / 1000).toFixed(1)} s` : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? parts.join(' · ') : text(lag);
}

/** Long positions (Kinesis sequence numbers) by their tail; the whole one is the tooltip. */
function pos(position: string | undefined): HTMLElement {
  const p = position ?? '';
  return el('span', { class: 'pos', title: p }, p.length > 16 ? `…${p.slice(-12)}` : p);
}

function shardTable(uuid: string, shards: Shard[]): HTMLElement {
  const head = ['shard', 'owner', 'state', 'checkpoint', 'last read', 'pending', 'lag', 'failing batch', ''];
  const rows = shards.map((s) => {
    const failing = s.lanes.flatMap((l) => (l.failing ? [l.failing] : []));
    const why = failing.flatMap((f) => [
      el('div', {}, f.error),
      el(
        'div',
        { class: 'muted' },
        `${f.records} record(s) `,
        pos(f.firstPosition),
        ' – ',
        pos(f.lastPosition),
        ` · attempts: ${f.attempts} · since ${f.since}`,
      ),
    ]);
    const state = stateOf(s);
    return el(
      'tr',
      { 'data-shard': s.shardId, 'data-state': state },
      el('td', {}, s.shardId),
      el('td', {}, s.owner),
      el('td', { class: `state ${state}` }, state),
      el('td', {}, pos(s.position.checkpoint)),
      el('td', {}, pos(s.position.lastRead)),
      el('td', {}, String(s.position.pending)),
      el('td', { class: 'pos' }, lagOf(s)),
      el('td', { class: 'failing' }, ...why),
      shardActions(uuid, s),
    );
  });
  return el(
    'table',
    { class: 'shards' },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows),
  );
}

const nameOf = (arn = '') => arn.slice(arn.lastIndexOf(':') + 1);

async function mappingBlock(m: Mapping, failures: HTMLElement[]): Promise<HTMLElement> {
  const block = el('section', { class: 'mapping', 'data-mapping': m.UUID });
  const title = el(
    'h2',
    {},
    `${nameOf(m.FunctionArn)} ← ${m.EventSourceArn ?? ''}`,
    el('span', { class: 'muted' }, ` ${m.UUID} · ${m.State ?? ''}`),
  );
  block.append(title);
  const shards = await api('GET', shardPath(m.UUID));
  if (shards.status !== 200) {
    block.append(el('p', { class: 'muted' }, 'queue mapping (no shards)'));
    return block;
  }
  const list = (shards.body.shards ?? []) as Shard[];
  const post = (action: string) => api('POST', `${shardPath(m.UUID)}/${action}`, {});
  title.append(
    button('pause all', 'pause-mapping', async () => report('pause mapping', await post('pause'))),
    button('resume all', 'resume-mapping', async () => report('resume mapping', await post('resume'))),
  );
  block.append(list.length === 0 ? el('p', { class: 'muted' }, 'no shards yet') : shardTable(m.UUID, list));
  for (const s of list)
    for (const l of s.lanes)
      if (l.failing)
        failures.push(
          el(
            'li',
            {},
            `${nameOf(m.FunctionArn)} ${s.shardId}: ${l.failing.error} (attempts: ${l.failing.attempts}, since ${l.failing.since})`,
          ),
        );
  return block;
}

async function refresh(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    const listed = await api('GET', '/2015-03-31/event-source-mappings/');
    if (listed.status !== 200) {
      say(`mappings: ${listed.status} ${text(listed.body.message)}`, 'error');
      return;
    }
    const mappings = (listed.body.EventSourceMappings ?? []) as Mapping[];
    const failures: HTMLElement[] = [];
    const blocks = await Promise.all(mappings.map((m) => mappingBlock(m, failures)));
    byId('mappings').replaceChildren(...blocks);
    byId('failures').replaceChildren(...(failures.length > 0 ? failures : [el('li', { class: 'muted' }, 'none')]));
    byId('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } finally {
    busy = false;
  }
}

async function redrive(form: HTMLFormElement): Promise<void> {
  const data = new FormData(form);
  const body = { from: text(data.get('from')), to: text(data.get('to')), dryRun: data.get('dryRun') === 'on' };
  const started = await api('POST', '/sluice/redrive', body);
  if (started.status === 404 && /^No route/.test(text(started.body.message)))
    throw new Error('redrive is not available in this sluice');
  if (started.status >= 400) throw new Error(`redrive: ${started.status} ${text(started.body.message)}`);
  const id = text(started.body.id);
  byId('redrive-progress').textContent = JSON.stringify(started.body, null, 2);
  say(`redrive ${id} started`);
  for (let i = 0; i < 120; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const p = await api('GET', `/sluice/redrive/${encodeURIComponent(id)}`);
    byId('redrive-progress').textContent = JSON.stringify(p.body, null, 2);
    if (p.status !== 200 || (p.body.state !== 'running' && p.body.status !== 'running')) break;
  }
}

function init(): void {
  const fragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fragment) {
    token = fragment;
    sessionStorage.setItem(TOKEN_KEY, fragment);
    history.replaceState(null, '', location.pathname);
  }
  byId('auth').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = (byId('token') as HTMLInputElement).value.trim();
    token = value === '' ? null : value;
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
    byId('auth').hidden = true;
    void run(() => Promise.resolve());
  });
  byId('redrive').addEventListener('submit', (e) => {
    e.preventDefault();
    void run(() => redrive(e.target as HTMLFormElement));
  });
  void refresh();
  setInterval(() => void refresh(), REFRESH_MS);
}

init();
