// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// Layer rules from DESIGN.md: which folders may import which.
const layer = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
});
const sdkAndBrokers = ['kafkajs', 'ioredis', '@aws-sdk/*', '@smithy/*', 'prom-client', 'pino'];

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
      'import-x/no-cycle': 'error',
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
  layer(['src/ports/**'], ['../*', '../../*', '../../../*'], 'ports import nothing of ours'),
  layer(
    ['src/core/**'],
    [...sdkAndBrokers, '**/connectors/**', '**/runtimes/**', '**/app/**', '**/http/**', '**/state/**', '**/config/**'],
    'core imports ports, records, retry and the metrics interface only',
  ),
  layer(
    ['connectors/**'],
    ['**/src/core/**', '**/src/app/**', '**/src/runtimes/**', '**/src/http/**', '**/src/config/**', '**/src/state/**'],
    'connectors import src/ports only (plus their client library)',
  ),
);
