import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.js';
import { redactUrl, redactUrls } from '../../../src/ports/redact.js';

describe('secrets in URLs never reach the logs', () => {
  it('redacts userinfo and query values', () => {
    expect(redactUrl('https://user:pw@h.example/p?token=abc&x=1#f')).toBe(
      'https://[redacted]@h.example/p?token=[redacted]&x=[redacted]#f',
    );
    expect(redactUrls('destination https://h.example/hook?sig=s3cr3t answered 500')).toBe(
      'destination https://h.example/hook?sig=[redacted] answered 500',
    );
  });

  it('a logged destination URL and an error naming it are redacted', () => {
    let out = '';
    const sink = new Writable({ write: (c: Buffer, _e, cb) => ((out += c.toString()), cb()) });
    const logger = createLogger('info', sink);
    const url = 'https://alice:hunter2@hooks.example.com/x?token=s3cr3t';
    logger.error({ destination: url, err: new Error(`POST ${url} failed`) }, 'destination delivery failed');
    logger.child({ destination: url }).warn({}, 'child logger bindings');
    expect(out).toContain('child logger bindings');
    expect(out).toContain('hooks.example.com');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('s3cr3t');
  });
});
