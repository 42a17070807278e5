// The event source mapping API's state machine (ESMAPI-2/3/6/7, OPEN-12) over a supervisor whose starts and stops
// the test releases, so each transitional state is held while the test calls the API.
import { describe, expect, it } from 'vitest';
import { MappingCatalog } from '../../../src/app/mapping-catalog.js';
import { eventSourceMappingRoutes } from '../../../src/http/routes/event-source-mappings.js';
import type { MappingSupervisor } from '../../../src/app/mapping-supervisor.js';
import { MappingStateBoard, type MappingState } from '../../../src/app/mapping-view.js';
import type { CompiledMapping } from '../../../src/config/compile.js';
import { loadConfigText } from '../../../src/config/loader.js';
import type { LambdaApiError } from '../../../src/ports/errors.js';
import { MemoryMappingStore, MemoryTagStore } from '../../../src/state/memory.js';

const queue = 'arn:aws:sqs:us-east-1:000000000000:q';

/** Just what the route writes: status, headers and body. */
class FakeResponse {
  body = '';
  statusCode = 0;
  headersSent = false;
  writeHead(status: number): this {
    this.statusCode = status;
    return this;
  }
  setHeader(): void {}
  end(body?: string | Buffer): void {
    this.body = String(body ?? '');
  }
}
const fakeRequest = () => ({ resume: () => undefined }) as never;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => silent };

function config() {
  const r = loadConfigText(
    JSON.stringify({
      connections: { sqs: { type: 'sqs', endpoint: 'http://127.0.0.1:9324' } },
      functions: { f: { Handler: 'x.handler', Timeout: 5 }, g: { Handler: 'x.handler' } },
    }),
    'test.json',
    {},
  );
  return r.config!;
}

/** Starts reach Enabled only when the test calls `settle()`; stops finish at once. */
class HeldSupervisor {
  readonly running = new Map<string, CompiledMapping>();
  private pending: Array<() => void> = [];
  constructor(private readonly board: MappingStateBoard) {}
  add(m: CompiledMapping, label: MappingState): Promise<void> {
    this.board.set(m.uuid, label);
    return new Promise((resolve) =>
      this.pending.push(() => {
        this.running.set(m.uuid, m);
        this.board.set(m.uuid, 'Enabled');
        resolve();
      }),
    );
  }
  /** When set, stops also wait for `settle()`. */
  holdStops = false;
  remove(uuid: string, _grace: number, label: MappingState, final?: MappingState): Promise<void> {
    const done = () => {
      this.running.delete(uuid);
      if (final !== undefined) this.board.set(uuid, final);
    };
    if (!this.holdStops) return Promise.resolve(done());
    this.board.set(uuid, label);
    return new Promise((resolve) => this.pending.push(() => resolve(done())));
  }
  runState(uuid: string) {
    return this.running.has(uuid) ? 'running' : undefined;
  }
  pendingCount(): number {
    return this.pending.length;
  }
  settle(): void {
    for (const p of this.pending.splice(0)) p();
  }
}

function catalog(store = new MemoryMappingStore()) {
  const board = new MappingStateBoard();
  const supervisor = new HeldSupervisor(board);
  const c = new MappingCatalog({
    config: config(),
    store,
    supervisor: supervisor as unknown as MappingSupervisor,
    board,
    logger: silent,
    graceMs: 0,
    tags: new MemoryTagStore(),
  });
  return { c, supervisor, board };
}

const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: LambdaApiError) => `${err.code} ${err.statusCode}`,
  );
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('event source mapping state machine', () => {
  it('ESMAPI-7/OPEN-12 Update or Delete while Creating is ResourceInUseException; once Enabled both go through', async () => {
    const { c, supervisor, board } = catalog();
    const created = await c.create({ FunctionName: 'f', EventSourceArn: queue });
    const uuid = String(created.UUID);
    expect(created.State).toBe('Creating');
    expect(await codeOf(c.update(uuid, { BatchSize: 5 }))).toBe('ResourceInUseException 400');
    expect(await codeOf(c.delete(uuid))).toBe('ResourceInUseException 400');
    await until(() => board.get(uuid)?.state === 'Creating');
    supervisor.settle();
    await until(() => board.get(uuid)?.state === 'Enabled');

    const updating = await c.update(uuid, { BatchSize: 5 });
    expect(updating).toMatchObject({ State: 'Updating', BatchSize: 5 });
    // OPEN-12: Update and Delete while Updating are refused too.
    expect(await codeOf(c.update(uuid, { BatchSize: 6 }))).toBe('ResourceInUseException 400');
    expect(await codeOf(c.delete(uuid))).toBe('ResourceInUseException 400');
    await until(() => board.get(uuid)?.state === 'Updating');
    supervisor.settle();
    await until(() => board.get(uuid)?.state === 'Enabled');
    expect(supervisor.running.get(uuid)?.batchSize).toBe(5);

    supervisor.holdStops = true;
    const deleting = await c.delete(uuid);
    expect(deleting.State).toBe('Deleting');
    // OPEN-12: Delete while Deleting answers the same body; Update is refused.
    expect(await c.delete(uuid)).toEqual(deleting);
    expect(await codeOf(c.update(uuid, { BatchSize: 2 }))).toBe('ResourceInUseException 400');
    expect(c.list().map((m) => m.uuid)).toEqual([uuid]);
    await until(() => supervisor.pendingCount() > 0);
    supervisor.settle();
    await until(() => c.list().length === 0);
    expect(await codeOf(c.update(uuid, { BatchSize: 2 }))).toBe('ResourceNotFoundException 404');
  });

  it('ESMAPI-2 Enabled false at create: Creating, then Disabled; nothing runs', async () => {
    const { c, supervisor, board } = catalog();
    const created = await c.create({ FunctionName: 'f', EventSourceArn: queue, Enabled: false });
    expect(created.State).toBe('Creating');
    await until(() => board.get(String(created.UUID))?.state === 'Disabled');
    expect(supervisor.running.size).toBe(0);
  });

  it('ESMAPI-2 a mapping created while a poll lists the store is not taken for deleted by that poll', async () => {
    const store = new MemoryMappingStore();
    let release: (() => void) | undefined;
    const held = {
      list: async () => {
        const before = await store.list();
        await new Promise<void>((r) => (release = r));
        return before;
      },
      put: (m: Parameters<MemoryMappingStore['put']>[0]) => store.put(m),
      delete: (uuid: string) => store.delete(uuid),
      version: () => store.version(),
    };
    const { c, board } = catalog(held as unknown as MemoryMappingStore);
    const started = c.start();
    await until(() => release !== undefined);
    const { UUID } = await c.create({ FunctionName: 'f', EventSourceArn: queue });
    release!();
    await started;
    await c.stop();
    expect(c.list().map((m) => m.uuid)).toEqual([UUID]);
    expect(board.get(String(UUID))?.state).toBe('Creating');
  });

  it('ESMAPI-1 a second process on the same store picks up a mapping without a restart', async () => {
    const store = new MemoryMappingStore();
    const a = catalog(store);
    const b = catalog(store);
    await b.c.start();
    try {
      const { UUID } = await a.c.create({ FunctionName: 'f', EventSourceArn: queue, BatchSize: 3 });
      await until(() => b.c.list().some((m) => m.uuid === UUID));
      b.supervisor.settle();
      await until(() => b.board.get(String(UUID))?.state === 'Enabled');
      expect(b.supervisor.running.get(String(UUID))?.batchSize).toBe(3);
    } finally {
      await b.c.stop();
    }
  });
});

describe('event source mapping API over HTTP', () => {
  it('ESMAPI-8 List answers at most 100 per page whatever MaxItems; NextMarker walks the rest', async () => {
    const { c, supervisor } = catalog();
    for (let i = 0; i < 105; i++) await c.create({ FunctionName: 'f', EventSourceArn: `memory://queue/q${i}` });
    supervisor.settle();
    const [route] = eventSourceMappingRoutes(c).filter(
      (r) => r.method === 'GET' && r.pattern.test('/2015-03-31/event-source-mappings/'),
    );
    const page = async (query: string) => {
      const res = new FakeResponse();
      await route!.handle(fakeRequest(), res as never, /x/.exec('x')!, new URLSearchParams(query));
      return JSON.parse(res.body) as { EventSourceMappings: unknown[]; NextMarker?: string };
    };
    const first = await page('MaxItems=1000');
    expect(first.EventSourceMappings).toHaveLength(100);
    const second = await page(`MaxItems=1000&Marker=${first.NextMarker}`);
    expect(second.EventSourceMappings).toHaveLength(5);
    expect(second.NextMarker).toBeUndefined();
  });

  it('ESMAPI-4/13 Update to a FunctionName that already has a mapping of the source is a ResourceConflictException', async () => {
    const { c, supervisor } = catalog();
    const f = await c.create({ FunctionName: 'f', EventSourceArn: 'memory://queue/shared' });
    const g = await c.create({ FunctionName: 'g', EventSourceArn: 'memory://queue/shared' });
    await until(() => {
      supervisor.settle();
      return supervisor.running.size === 2;
    });
    const err = await c.update(String(g.UUID), { FunctionName: 'f' }).catch((e: LambdaApiError) => e);
    expect(err).toMatchObject({ code: 'ResourceConflictException', statusCode: 409 });
    expect((err as LambdaApiError).message).toContain(`UUID ${String(f.UUID)}`);
  });

  it('ESMAPI-13 a second mapping of one function and stream answers the streams message', async () => {
    const { c } = catalog();
    const first = await c.create({
      FunctionName: 'f',
      EventSourceArn: 'memory://stream/s',
      StartingPosition: 'LATEST',
    });
    const err = await c
      .create({ FunctionName: 'f', EventSourceArn: 'memory://stream/s', StartingPosition: 'TRIM_HORIZON' })
      .catch((e: LambdaApiError) => e);
    expect(err).toMatchObject({
      code: 'ResourceConflictException',
      statusCode: 409,
      message: `The event source arn (" memory://stream/s ") and function (" f ") provided mapping already exists. Please update or delete the existing mapping with UUID ${String(first.UUID)}`,
    });
  });

  it('EFO-1 CreateEventSourceMapping refuses a Kinesis consumer ARN with InvalidParameterValueException', async () => {
    const { c } = catalog();
    const err = await c
      .create({
        FunctionName: 'f',
        EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1700000000',
        StartingPosition: 'LATEST',
      })
      .catch((e: LambdaApiError) => e);
    expect(err).toMatchObject({ code: 'InvalidParameterValueException', statusCode: 400 });
    expect((err as LambdaApiError).message).toMatch(/enhanced fan-out .* not supported/);
  });

  it('PRV-5/DA-15 Update turns provisioned mode on (defaults shown) and {} turns it off', async () => {
    const { c, supervisor, board } = catalog();
    const m = await c.create({ FunctionName: 'f', EventSourceArn: queue });
    expect(m).not.toHaveProperty('ProvisionedPollerConfig');
    await until(() => {
      supervisor.settle();
      return supervisor.running.size === 1;
    });
    const uuid = String(m.UUID);
    const on = await c.update(uuid, { ProvisionedPollerConfig: { MinimumPollers: 3 } });
    expect(on.ProvisionedPollerConfig).toEqual({ MinimumPollers: 3, MaximumPollers: 200 });
    expect(c.compiled(uuid)?.provisioned).toEqual({ minimumPollers: 3, maximumPollers: 200 });
    await until(() => {
      supervisor.settle();
      return board.get(uuid)?.state === 'Enabled';
    });
    const off = await c.update(uuid, { ProvisionedPollerConfig: {} });
    expect(off).not.toHaveProperty('ProvisionedPollerConfig');
    expect(c.compiled(uuid)?.provisioned).toBeUndefined();
  });
});
