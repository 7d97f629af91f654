import { describe, expect, it } from 'vitest';
import { stageName } from './load.js';

describe('stageName', () => {
  it('keeps only the hex digits of a job id, since the name goes into SQL unquoted', () => {
    expect(stageName('0F3A9c2e-1b7d-4e0f-9a6b-2c1d3e4f5a6b')).toBe('stage_0f3a9c2e1b7d4e0f9a6b2c1d3e4f5a6b');
    expect(stageName('x"; drop table records.record; --')).toBe('stage_dabeecdecd');
  });
});
