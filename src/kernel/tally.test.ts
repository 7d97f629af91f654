import { describe, expect, it } from 'vitest';
import { Tally } from './tally.js';

describe('Tally', () => {
  it('writes equal ids as one count, each count once, and one write at a time', async () => {
    const written: Array<Array<{ key: string; n: number }>> = [];
    let running = 0;
    let overlapped = false;
    const tally = new Tally<string>(async (counts) => {
      overlapped ||= running > 0;
      running++;
      await new Promise((r) => setImmediate(r));
      written.push(counts);
      running--;
    }, 60_000);
    tally.add('a', 'A');
    tally.add('a', 'A');
    tally.add('b', 'B');
    const first = tally.flush();
    tally.add('a', 'A');
    await Promise.all([first, tally.flush(), tally.flush()]);
    expect(overlapped).toBe(false);
    expect(written).toEqual([
      [
        { key: 'A', n: 2 },
        { key: 'B', n: 1 },
      ],
      [{ key: 'A', n: 1 }],
    ]);
  });

  it('writes by itself a moment after the first count', async () => {
    let wrote: unknown;
    const tally = new Tally<string>(async (counts) => void (wrote = counts), 5);
    tally.add('x', 'X');
    await expect.poll(() => wrote).toEqual([{ key: 'X', n: 1 }]);
  });
});
