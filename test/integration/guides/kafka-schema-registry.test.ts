// #22 guide docs/kafka-schema-registry.md, run as written against the real Kafka broker and schema registry: an Avro
// schema registered and three orders produced with it, a config-file mapping with SchemaRegistryConfig (BASIC_AUTH
// credentials from the connection) and a filter on a decoded field; only the matching order reaches the handler.
import path from 'node:path';
import { expect, it } from 'vitest';
import { freePort } from '../../services/ports.js';
import { servers, uniqueName } from '../../services/inject.js';
import { guideSteps, readGuide, runGuide } from './guide-runner.js';

it('SR-13 guide "Kafka with a schema registry" runs as written', async () => {
  const port = await freePort();
  const { url, username, password } = servers().schemaregistry;
  const steps = guideSteps(readGuide('kafka-schema-registry.md'), [
    ['http://localhost:8081', url],
    ['localhost:9092', servers().kafka.brokers[0]!],
    ['registry-user', username],
    ['registry-secret', password],
    [/\b9001\b/g, String(port)],
    // A unique topic, so parallel runs on the shared broker never meet.
    [/\bsr-orders\b/g, uniqueName('sr-orders')],
  ]);
  expect(steps.filter((st) => st.kind === 'file').map((st) => st.arg)).toEqual([
    'index.mjs',
    'produce.cjs',
    'sluice.json',
  ]);
  // The producer's `npm install kafkajs @kafkajs/confluent-schema-registry`: the checkout's own packages.
  const run = await runGuide(steps, { NODE_PATH: path.resolve('node_modules') });
  expect(run.logs.join('\n')).not.toMatch(/order o-[13] /);
}, 180_000);
