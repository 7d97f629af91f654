import { describe, expect, it } from 'vitest';
import { ACTION_LABELS } from './action-labels.js';
import { POLICY } from './policy.js';

describe('action labels', () => {
  it('name every action of the policy in Chinese and English', () => {
    const missing = Object.keys(POLICY).filter((a) => {
      const label = ACTION_LABELS[a as keyof typeof ACTION_LABELS];
      return !label?.['zh-CN'].trim() || !label.en.trim() || /[A-Za-z]/.test(label['zh-CN']);
    });
    expect(missing).toEqual([]);
  });
});
