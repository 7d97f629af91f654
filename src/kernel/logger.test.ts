import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPersonalText } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('logger', () => {
  it('masks ID and mobile numbers inside free text', () => {
    expect(maskPersonalText('/records?key=370102198005171234&x=1')).toBe('/records?key=370102********1234&x=1');
    expect(maskPersonalText('call 13812345678 now')).toBe('call 138****5678 now');
    expect(maskPersonalText('order 2026 and 12345')).toBe('order 2026 and 12345');
  });

  it('never writes passwords, tokens, API keys or unmasked IDs', () => {
    const { lines, logger } = capture();
    logger.info({ password: 'hunter22', user: { token: 'abc.def' } }, 'login for 37010219800517123X');
    logger.info({ req: { method: 'GET', url: '/x?key=370102198005171234', headers: {} } }, 'req');
    const out = lines.join('');
    expect(out).not.toContain('hunter22');
    expect(out).not.toContain('abc.def');
    expect(out).not.toContain('37010219800517123X');
    expect(out).not.toContain('370102198005171234');
    expect(out).toContain('370102********123X');
  });
});
