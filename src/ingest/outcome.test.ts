import { describe, expect, it } from 'vitest';
import { belowThreshold, outcomeOf } from './outcome.js';

const job = (
  state: Parameters<typeof outcomeOf>[0]['state'],
  rowsRead: number,
  rowsRejected: number,
  minPassRate: number | null = 95,
) => outcomeOf({ state, rowsRead, rowsRejected, minPassRate });

describe('outcomeOf', () => {
  it('says green only for a load where every row went in', () => {
    expect(job('succeeded', 10, 0)).toBe('loaded');
    expect(job('succeeded', 0, 0)).toBe('loaded');
  });

  it('tells rejects within the threshold from a load below it', () => {
    expect(job('succeeded', 20, 1)).toBe('loaded_with_rejects'); // exactly 95 %: not below
    expect(job('succeeded', 7, 4)).toBe('below_threshold'); // 43 % accepted, the 57 % rejected
    expect(job('succeeded', 1000, 51)).toBe('below_threshold'); // 94.9 %, which a rounded score would not show
    expect(job('succeeded', 7, 4, 40)).toBe('loaded_with_rejects');
  });

  it('judges a job that ran before thresholds by its rejects alone', () => {
    expect(job('succeeded', 7, 4, null)).toBe('loaded_with_rejects');
  });

  it('passes the other states through', () => {
    for (const state of ['queued', 'running', 'held', 'discarded', 'failed'] as const) {
      expect(job(state, 7, 4)).toBe(state);
    }
  });
});

describe('belowThreshold', () => {
  it('compares the exact share, and never a load that read nothing', () => {
    expect(belowThreshold(3, 1, 66.67)).toBe(true); // 66.666… %
    expect(belowThreshold(3, 1, 66.66)).toBe(false);
    expect(belowThreshold(0, 0, 100)).toBe(false);
    expect(belowThreshold(10, 0, 100)).toBe(false);
    expect(belowThreshold(10, 1, 100)).toBe(true);
    expect(belowThreshold(10, 10, null)).toBe(false);
  });
});
