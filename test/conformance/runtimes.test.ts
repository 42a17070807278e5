// Runs the runtime contract (runtime.ts) against every runtime family: nodejs (in-house bootstrap), provided.al2023
// (a bash bootstrap speaking the Runtime API) and python3.12 (the official awslambdaric from PyPI, in the cache).
import { NodejsRuntime } from '../../src/runtimes/nodejs/nodejs-runtime.js';
import { RuntimeApiRuntime } from '../../src/runtimes/runtime-api/runtime-api-runtime.js';
import { installAwsLambdaRic } from '../services/python-venv.js';
import { describeRuntime } from './runtime.js';

const FIXTURES = 'test/fixtures/runtimes';
const quiet = { onLog: () => {} };

describeRuntime({
  name: 'nodejs',
  codeUri: `${FIXTURES}/nodejs`,
  handler: 'index.handler',
  initError: { errorType: 'Error', errorMessage: /init failed on purpose/ },
  create: (spec) => new NodejsRuntime(spec, quiet),
});

describeRuntime({
  name: 'provided.al2023 (bash bootstrap)',
  codeUri: `${FIXTURES}/provided-shell`,
  handler: 'function.handler',
  initError: { errorType: 'Runtime.ImportModuleError', errorMessage: /^no module here$/ },
  create: (spec) => new RuntimeApiRuntime(spec, 'provided.al2023', quiet),
});

let python = '';
describeRuntime({
  name: 'python3.12 (awslambdaric)',
  async prepare() {
    python = await installAwsLambdaRic();
  },
  codeUri: `${FIXTURES}/python`,
  handler: 'handler.handler',
  initError: { errorType: 'RuntimeError', errorMessage: /init failed on purpose/ },
  create: (spec) => new RuntimeApiRuntime(spec, 'python3.12', { ...quiet, pythonInterpreter: python }),
});
