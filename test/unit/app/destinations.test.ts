// Destinations come from the connector that owns the address, with the connection it picks (or the default of its
// type); the app passes its broker and its functions through the connector context.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../../connectors/memory/index.js';
import { createDestinations } from '../../../src/app/destinations.js';
import { loadConfigText } from '../../../src/config/loader.js';
import type { Logger } from '../../../src/ports/logger.js';
import { noopMetrics } from '../../../src/ports/metrics.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const lambda = (endpoint: string) => ({
  type: 'lambda',
  endpoint,
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

function setup(connections: object) {
  const r = loadConfigText(
    JSON.stringify({ connections, functions: { echo: { Handler: 'handlers.echo' } } }),
    path.resolve('test/fixtures/functions/sluice.json'),
    {},
  );
  if (r.config === undefined) throw new Error(JSON.stringify(r.problems));
  const invoked: Array<{ name: string; payload: string; trace?: string }> = [];
  const broker = new MemoryBroker({ region: 'us-east-1', accountId: '000000000000', visibilityTimeoutMs: 30_000 });
  const destinations = createDestinations(r.config, {
    instances: { memory: broker },
    functions: {
      has: (name) => name === 'echo',
      invokeAsync: (name, payload, trace) => {
        invoked.push({ name, payload: payload.toString(), trace });
        return Promise.resolve();
      },
    },
    metrics: noopMetrics,
    logger: quiet,
  });
  return { destinations, invoked, broker };
}

describe('destinations through the connector registry', () => {
  it('ASY-11 a function of this sluice goes to the async engine, even when several lambda connections exist', async () => {
    const { destinations, invoked } = setup({ a: lambda('http://127.0.0.1:1'), b: lambda('http://127.0.0.1:2') });
    await destinations.get(arn('echo')).send({ x: 1 }, { functionName: 'f', traceHeader: 'Root=1-a' });
    expect(invoked).toEqual([{ name: 'echo', payload: '{"x":1}', trace: 'Root=1-a' }]);
    await destinations.close();
  });

  it('ASY-11 without a lambda connection, a function not of this sluice is queued locally as before', async () => {
    const { destinations, invoked } = setup({});
    await destinations.get(arn('elsewhere')).send({ x: 2 }, { functionName: 'f' });
    expect(invoked.map((i) => i.name)).toEqual(['elsewhere']);
    await destinations.close();
  });

  it('a memory destination feeds the app broker', async () => {
    const { destinations, broker } = setup({});
    await destinations.get('memory://queue/failed').send({ x: 3 }, { functionName: 'f' });
    expect(broker.hasQueue('failed')).toBe(true);
    await destinations.close();
  });

  it('a destination whose connection is ambiguous is refused when made (several sqs connections, none named sqs)', () => {
    const sqs = (endpoint: string) => ({ type: 'sqs', endpoint });
    const { destinations } = setup({ a: sqs('http://127.0.0.1:1'), b: sqs('http://127.0.0.1:2') });
    expect(() => destinations.get('arn:aws:sqs:us-east-1:000000000000:q')).toThrow(/several connections of type sqs/);
  });
});
