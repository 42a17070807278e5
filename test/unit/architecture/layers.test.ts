// The dependency rules of DESIGN.md ("Layout") and #16's guards, proven on the real eslint.config.js: each import
// below is linted as if it sat in the named file (nothing is written to disk).
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// Import rules need no type information: leave the project service out, so a file that does not exist can be linted.
const eslint = new ESLint({ cwd: root, overrideConfig: [tseslint.configs.disableTypeChecked] });
const GUARDS = new Set(['import-x/no-restricted-paths', '@typescript-eslint/no-restricted-imports']);

async function guardErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport {};\n`, { filePath: `${root}${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId !== null && GUARDS.has(m.ruleId)).map((m) => m.message);
}

const refused = async (file: string, source: string, why: RegExp) =>
  expect(await guardErrors(file, source)).toEqual([expect.stringMatching(why)]);
const allowed = async (file: string, source: string) => expect(await guardErrors(file, source)).toEqual([]);

describe('layer rules (lint)', { timeout: 60_000 }, () => {
  it('a connector never imports another connector, only connectors/_aws and src/ports', async () => {
    const file = 'connectors/kinesis/probe.ts';
    await refused(file, "import { queueUrl } from '../sqs/queue-url.js';", /never another connector/);
    await refused(file, "import { connectors } from '../index.js';", /never another connector/);
    await refused(file, "import { fullJitterBackoffMs } from '../../src/core/retry/backoff.js';", /src\/ports/);
    await allowed(file, "import { awsClientConfig } from '../_aws/client-config.js';");
    await allowed(file, "import type { StreamSource } from '../../src/ports/sources.js';");
  });

  it('connectors/_aws imports no connector', async () => {
    await refused('connectors/_aws/probe.ts', "import { x } from '../kinesis/arn.js';", /never another connector/);
  });

  it('DynamoDB Streams shares the iterator reader with Kinesis through connectors/_aws, no exception left', async () => {
    const file = 'connectors/dynamodb/source.ts';
    await allowed(file, "import { openIteratorReader } from '../_aws/iterator-reader.js';");
    await refused(file, "import { shardInfoOf } from '../kinesis/source.js';", /never another connector/);
  });

  it('config never imports core, no exception left: the filter pattern validator is in ports/filter-pattern', async () => {
    await refused(
      'src/config/probe.ts',
      "import { validateFilterCriteria } from '../core/filter/index.js';",
      /never imports core/,
    );
    await refused('src/config/probe.ts', "import { createApp } from '../app/app.js';", /never imports core/);
    await refused('src/config/compile.ts', "import { validateFilterCriteria } from '../core/filter/index.js';", /core/);
    await refused('src/config/compile.ts', "import { createAsyncEngine } from '../core/async/engine.js';", /core/);
    await allowed(
      'src/config/compile.ts',
      "import { validateFilterCriteria } from '../ports/filter-pattern/index.js';",
    );
  });

  it('runtimes, state and observability import ports only', async () => {
    await refused(
      'src/runtimes/nodejs/probe.ts',
      "import { x } from '../../state/memory.js';",
      /runtimes import ports only/,
    );
    await refused(
      'src/runtimes/probe.ts',
      "import { x } from '../core/invoke/invoker.js';",
      /runtimes import ports only/,
    );
    await allowed('src/runtimes/nodejs/probe.ts', "import { x } from '../http/http-runtime.js';");
    await refused(
      'src/state/probe.ts',
      "import { x } from '../core/retry/backoff.js';",
      /state stores import ports only/,
    );
    await refused('src/state/probe.ts', "import client from 'prom-client';", /observability is the adapter/);
    await refused(
      'src/observability/probe.ts',
      "import { x } from '../config/net.js';",
      /observability imports ports only/,
    );
    await allowed('src/observability/probe.ts', "import type { Metrics } from '../ports/metrics.js';");
  });

  it('http imports ports and config, and core and app only as types', async () => {
    await refused('src/http/probe.ts', "import { x } from '../state/memory.js';", /http imports ports/);
    await refused('src/http/probe.ts', "import { x } from '../../connectors/sqs/queue-url.js';", /http imports ports/);
    await refused(
      'src/http/routes/probe.ts',
      "import { createAsyncEngine } from '../../core/async/engine.js';",
      /import type only/,
    );
    await allowed('src/http/routes/probe.ts', "import type { AsyncEngine } from '../../core/async/types.js';");
    await allowed('src/http/probe.ts', "import { isLoopbackHost } from '../config/net.js';");
  });

  it('core and ports keep their rules', async () => {
    await refused(
      'src/core/esm/probe.ts',
      "import { x } from '../../../connectors/sqs/queue-url.js';",
      /core imports ports/,
    );
    await refused('src/core/esm/probe.ts', "import { Kafka } from 'kafkajs';", /never an SDK/);
    await refused('src/ports/probe.ts', "import { x } from '../core/retry/backoff.js';", /ports import nothing/);
  });
});
