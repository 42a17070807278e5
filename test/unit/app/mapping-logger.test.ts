// MET-9/MET-10: a mapping's LoggingConfig.SystemLogLevel is the threshold of sluice's own logs for that mapping
// only (and of its children: connector and client logs), below or above the service's logLevel.
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { mappingLogger } from '../../../src/app/mapping-logger.js';
import type { CompiledMapping } from '../../../src/config/compile.js';
import { createLogger } from '../../../src/observability/logger.js';

const mapping = (uuid: string, systemLogLevel?: 'DEBUG' | 'INFO' | 'WARN') =>
  ({ uuid, functionName: 'f', eventSourceArn: 'kafka://t', systemLogLevel }) as CompiledMapping;

it('MET-10 SystemLogLevel WARN silences one mapping’s INFO logs, DEBUG adds its debug logs; others keep logLevel', () => {
  const out = new PassThrough();
  const lines: Array<{ level: number; mapping: string; msg: string }> = [];
  out.on('data', (d: Buffer) => {
    for (const l of d.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as (typeof lines)[number]);
  });
  const root = createLogger('info', out);
  const warn = mappingLogger(root, mapping('w', 'WARN'));
  const debug = mappingLogger(root, mapping('d', 'DEBUG'));
  const plain = mappingLogger(root, mapping('p'));
  for (const [name, l] of [
    ['w', warn],
    ['d', debug],
    ['p', plain],
  ] as const) {
    l.debug({}, `${name} debug`);
    l.info({}, `${name} info`);
    l.child({ connector: 'kafka' }).info({}, `${name} child info`);
    l.warn({}, `${name} warn`);
  }
  expect(lines.map((l) => l.msg)).toEqual([
    'w warn',
    'd debug',
    'd info',
    'd child info',
    'd warn',
    'p info',
    'p child info',
    'p warn',
  ]);
  expect(lines.every((l) => l.mapping === l.msg[0])).toBe(true);
});
