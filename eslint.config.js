// @ts-check
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// Dependency rules from DESIGN.md ("Layout"), checked on resolved paths: a zone lists the parts of ours that files
// under `target` may not import. Built from the tree, so a new src folder or connector is covered without an edit.
const list = (/** @type {string} */ dir) => readdirSync(join(import.meta.dirname, dir), { withFileTypes: true });
const SRC = list('src').map((e) => ({ name: e.name.replace(/\.ts$/, ''), path: `./src/${e.name}` }));
const CONNECTORS = list('connectors')
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
/** Every src part (folder, or index/main) except those named, plus all of connectors/ unless 'connectors' is named. */
const allBut = (/** @type {string[]} */ allowed) => [
  ...SRC.filter((s) => !allowed.includes(s.name)).map((s) => s.path),
  ...(allowed.includes('connectors') ? [] : ['./connectors']),
];
/** @typedef {{ target: string, from: string[], message: string }} Zone */
/** @type {Zone[]} */
const ZONES = [
  { target: './src/ports', from: allBut(['ports']), message: 'ports import nothing of ours.' },
  {
    target: './src/core',
    from: allBut(['core', 'ports']),
    message: 'core imports ports, records, retry and the metrics interface only.',
  },
  {
    target: './src/config',
    from: allBut(['config', 'ports', 'runtimes', 'connectors']),
    message: 'config builds on ports and the connector and runtime registries; it never imports core, app or http.',
  },
  { target: './src/runtimes', from: allBut(['runtimes', 'ports']), message: 'runtimes import ports only.' },
  { target: './src/state', from: allBut(['state', 'ports']), message: 'state stores import ports only.' },
  {
    target: './src/observability',
    from: allBut(['observability', 'ports']),
    message: 'observability imports ports only.',
  },
  {
    target: './src/http',
    from: allBut(['http', 'ports', 'config', 'core', 'app']),
    message: 'http imports ports, config and the interfaces core and app provide (app wires them).',
  },
  {
    target: './connectors/index.ts',
    from: allBut(['ports', 'connectors']),
    message: 'the registry imports src/ports only.',
  },
  ...CONNECTORS.map((c) => ({
    target: `./connectors/${c}`,
    from: [
      ...allBut(['ports', 'connectors']),
      './connectors/index.ts',
      ...CONNECTORS.filter((o) => o !== c && o !== '_aws').map((o) => `./connectors/${o}`),
    ],
    message: 'a connector imports src/ports, connectors/_aws and its client library only, never another connector.',
  })),
];
const restrictedPaths = (/** @type {Zone[]} */ zones) => ({
  'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones }],
});

/** Packages (and, for http, value imports) a folder may not use; one block per folder, as a later block would replace it. */
const restrictedImports = (/** @type {string[]} */ files, /** @type {object[]} */ patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});
const adapters = ['prom-client', 'pino'];
const sdks = ['kafkajs', 'ioredis', 'amqplib', '@aws-sdk/*', '@smithy/*'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', '.services/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A switch over a union names every member or has a deliberate `default`: a new member is a compile-time todo.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      'import-x/no-cycle': 'error',
      ...restrictedPaths(ZONES),
    },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
  },
  { files: ['**/*.{js,mjs,cjs}'], ...tseslint.configs.disableTypeChecked },
  // Example and fixture handlers are plain Node.js code, as users write them (CommonJS or ESM).
  {
    files: ['config/functions/**/*.{js,mjs,cjs}', 'test/fixtures/**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        exports: 'writable',
        module: 'writable',
        require: 'readonly',
      },
    },
  },
  restrictedImports(['src/core/**'], [{ group: [...sdks, ...adapters], message: 'core uses ports, never an SDK' }]),
  restrictedImports(
    ['src/runtimes/**', 'src/state/**'],
    [{ group: adapters, message: 'metrics and logs go through the ports (observability is the adapter)' }],
  ),
  restrictedImports(
    ['src/http/**'],
    [
      { group: [...sdks, ...adapters], message: 'http uses ports, never an SDK' },
      // From src/http/*.ts and src/http/routes/*.ts: engines and app services are interfaces to http.
      {
        group: ['../core/*', '../../core/*', '../app/*', '../../app/*'],
        allowTypeImports: true,
        message: 'http takes core and app as interfaces: import type only (app wires the values)',
      },
    ],
  ),
);
