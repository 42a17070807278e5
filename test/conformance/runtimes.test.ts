// Runs the runtime contract (runtime.ts) against every runtime family: nodejs (in-house bootstrap), provided.al2023
// (a bash bootstrap speaking the Runtime API, and a Go bootstrap on aws-lambda-go), java21 (the official Java client
// from Maven Central) and python3.12 (the official awslambdaric from PyPI, in the cache).
import { NodejsRuntime } from '../../src/runtimes/nodejs/nodejs-runtime.js';
import { RuntimeApiRuntime } from '../../src/runtimes/runtime-api/runtime-api-runtime.js';
import { buildGoBootstrap } from '../services/go-bootstrap.js';
import { buildJavaHandler, installJavaRic } from '../services/java-ric.js';
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

const go = { codeUri: '' };
describeRuntime({
  name: 'provided.al2023 (Go, aws-lambda-go)',
  async prepare() {
    go.codeUri = await buildGoBootstrap();
  },
  get codeUri() {
    return go.codeUri;
  },
  handler: 'bootstrap',
  // A Go program that exits before lambda.Start: the init ends with the exit (RT-11, RT-13).
  initError: { errorType: 'Runtime.ExitError', errorMessage: /Runtime exited with error: exit status 1$/ },
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

const java = { codeUri: '', classpath: '' };
describeRuntime({
  name: 'java21 (aws-lambda-java-runtime-interface-client)',
  async prepare() {
    [java.codeUri, java.classpath] = await Promise.all([buildJavaHandler(), installJavaRic()]);
  },
  get codeUri() {
    return java.codeUri;
  },
  handler: 'Handler::handleRequest',
  // The client reports a static initializer that throws as the class failing to load.
  initError: { errorType: 'java.lang.ExceptionInInitializerError', errorMessage: /^Error loading class Handler$/ },
  create: (spec) => new RuntimeApiRuntime(spec, 'java21', { ...quiet, javaClasspath: java.classpath }),
});
