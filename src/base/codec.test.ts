import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldCipher, makeCitizenId, type SuiteName } from '../kernel/index.js';
import type { SealingKeys } from '../records/index.js';
import { BaseCodec, baseCodecs, isSealedText } from './codec.js';

/** Keys of one scope held in memory, versions 1 and 2, as the key store hands them out unwrapped. */
function keysOf(suite: SuiteName, active = 1): SealingKeys {
  const cipher = fieldCipher(suite);
  const data = new Map([1, 2].map((v) => [v, randomBytes(cipher.keyBytes)]));
  const lookup = randomBytes(32);
  return {
    current: async () => ({ version: active, key: data.get(active)!, cipher }),
    version: async (_scope, v) => ({ version: v, key: data.get(v)!, cipher }),
    lookup: async () => ({ key: lookup, cipher }),
  };
}

const A = makeCitizenId('370102', '1980-05-01', 1);
const B = makeCitizenId('370103', '1975-02-03', 2);

describe.each(['gm', 'intl'] as const)('the base codec (%s)', (suite) => {
  it('stores a citizen ID as a blind index and seals it for the book, bound to that index', async () => {
    const codec = await baseCodecs(keysOf(suite))('person');
    expect(codec.keySealed).toBe(true);
    const [a, b] = [codec.storedKey(A), codec.storedKey(B)];
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(codec.storedKey(A)).toBe(a);
    expect(b).not.toBe(a);
    const [sealedA, sealedB] = codec.sealKeys([A, B], [a, b]);
    expect(sealedA).toMatch(/^~1\.[A-Za-z0-9_-]+$/);
    expect(sealedA).not.toContain(A.slice(0, 6));
    expect(
      await codec.openKeys(
        new Map([
          [a, sealedA!],
          [b, sealedB!],
        ]),
      ),
    ).toEqual(
      new Map([
        [a, A],
        [b, B],
      ]),
    );
    // A sealed key copied onto another subject's index does not open.
    await expect(codec.openKeys(new Map([[b, sealedA!]]))).rejects.toMatchObject({ code: 'KEY_UNREADABLE' });
  });

  it('seals sensitive values deterministically, comparable by their sealed text and compared form', async () => {
    const codec = await baseCodecs(keysOf(suite))('person');
    expect(codec.isSealed('phone')).toBe(true);
    expect(codec.isSealed('disability_cert_no')).toBe(true);
    expect(codec.isSealed('person_name')).toBe(false);
    const subject = codec.storedKey(A);
    const seal = (value: unknown, norm: string, who = subject) =>
      codec.sealValues([{ subject: who, element: 'phone', value, norm }])[0]!;
    const one = seal('138 0000 1111', '13800001111');
    expect(isSealedText(one.value)).toBe(true);
    expect(one.value).not.toContain('1380000');
    // The same value sealed again is the same text: re-absorbing it changes nothing.
    expect(seal('138 0000 1111', '13800001111')).toEqual(one);
    // Another way of writing the same number: another value, the same compared form (a confirmation).
    const other = seal('13800001111', '13800001111');
    expect(other.value).not.toBe(one.value);
    expect(other.norm).toBe(one.norm);
    expect(codec.storedNorm('phone', '13800001111')).toBe(one.norm);
    expect(codec.storedNorm('person_name', '张三')).toBe('张三');
    // Another subject's equal value seals to another text (the subject is part of the nonce and AAD).
    expect(seal('138 0000 1111', '13800001111', codec.storedKey(B)).value).not.toBe(one.value);
    const opened = await codec.openValues([
      { subject, element: 'phone', value: one.value },
      { subject, element: 'person_name', value: '张三' },
    ]);
    expect(opened).toEqual(['138 0000 1111', '张三']);
  });

  it('opens whatever it sealed, and seals two different values differently (property)', async () => {
    const codec = await baseCodecs(keysOf(suite))('person');
    const subject = codec.storedKey(A);
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
    );
    await fc.assert(
      fc.asyncProperty(value, value, async (x, y) => {
        const [sx, sy] = codec.sealValues([
          { subject, element: 'phone', value: x, norm: String(x) },
          { subject, element: 'phone', value: y, norm: String(y) },
        ]);
        const opened = await codec.openValues([
          { subject, element: 'phone', value: sx!.value },
          { subject, element: 'phone', value: sy!.value },
        ]);
        expect(opened).toEqual([JSON.parse(JSON.stringify(x)), JSON.parse(JSON.stringify(y))]);
        expect(sx!.value === sy!.value).toBe(JSON.stringify(x) === JSON.stringify(y));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a value moved to another subject or element, or altered', async () => {
    const codec = await baseCodecs(keysOf(suite))('person');
    const subject = codec.storedKey(A);
    const { value } = codec.sealValues([{ subject, element: 'phone', value: '13800001111', norm: '13800001111' }])[0]!;
    const open = (item: { subject: string; element: string; value: unknown }) => codec.openValues([item]);
    await expect(open({ subject: codec.storedKey(B), element: 'phone', value })).rejects.toMatchObject({
      code: 'KEY_UNREADABLE',
    });
    await expect(open({ subject, element: 'disability_cert_no', value })).rejects.toMatchObject({
      code: 'KEY_UNREADABLE',
    });
    const flipped = value.slice(0, -2) + (value.at(-2) === 'A' ? 'B' : 'A') + value.at(-1);
    await expect(open({ subject, element: 'phone', value: flipped })).rejects.toMatchObject({
      code: 'KEY_UNREADABLE',
    });
  });

  it('opens values sealed under an earlier data key version', async () => {
    const keys = keysOf(suite, 1);
    const old = await baseCodecs(keys)('person');
    const subject = old.storedKey(A);
    const { value } = old.sealValues([{ subject, element: 'phone', value: '13800001111', norm: '13800001111' }])[0]!;
    const now = new BaseCodec('person', { ...(await activeOf(keys, 2)), keys });
    expect(await now.openValues([{ subject, element: 'phone', value }])).toEqual(['13800001111']);
  });

  it('keeps a credit code as it is, and seals a legal entity’s phone', async () => {
    const codec = await baseCodecs(keysOf(suite))('legal_entity');
    expect(codec.keySealed).toBe(false);
    expect(codec.storedKey('91370100MA3C0000X1')).toBe('91370100MA3C0000X1');
    expect(codec.sealKeys(['91370100MA3C0000X1'], ['91370100MA3C0000X1'])).toEqual([null]);
    expect(codec.isSealed('phone')).toBe(true);
    expect(codec.isSealed('enterprise_name')).toBe(false);
  });
});

async function activeOf(keys: SealingKeys, version: number) {
  return { data: await keys.version('base:person', version), lookup: await keys.lookup('base:person') };
}
