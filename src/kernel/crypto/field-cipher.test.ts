import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fieldCipher, sm4Block, SealBroken } from './field-cipher.js';
import { gcmSealMany } from './gcm.js';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('SM4 and HMAC-SM3 against published vectors', () => {
  it('SM4 encrypts GB/T 32907 example 1 (key = plaintext = 0123456789abcdeffedcba9876543210)', () => {
    const k = hex('0123456789abcdeffedcba9876543210');
    expect(sm4Block(k, k).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('SM4-GCM (the gm suite, gcm.ts over native SM4) gives RFC 8998 A.1', () => {
    const nonce = hex('00001234567800000000ABCD');
    const plain = hex(
      'AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA',
    );
    const [sealed] = gcmSealMany(
      'sm4-ecb',
      hex('0123456789ABCDEFFEDCBA9876543210'),
      [{ data: plain, aad: hex('FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2') }],
      nonce,
    );
    expect(sealed!.subarray(12, 12 + plain.length).toString('hex')).toBe(
      '17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d',
    );
    expect(sealed!.subarray(12 + plain.length).toString('hex')).toBe('83de3541e4c2b58177e065a9bf7b62ec');
  });

  it('HMAC-SM3 (the gm blind index) gives GM/T 0042-2015 D.3 count 1', () => {
    const key = hex('0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20');
    const data = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'.repeat(2);
    expect(fieldCipher('gm').mac(key, data).toString('hex')).toBe(
      'ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a',
    );
    expect(fieldCipher('intl').mac(key, data)).toEqual(createHmac('sha256', key).update(data).digest());
  });
});

describe.each(['gm', 'intl'] as const)('the %s field cipher', (suite) => {
  const c = fieldCipher(suite);
  const key = randomBytes(c.keyBytes);
  const aad = Buffer.from('resource:1\u0000citizen_id');
  const value = Buffer.from(JSON.stringify('370102199001011234'));

  it('round-trips, with a fresh nonce each time', () => {
    const a = c.seal(key, value, aad);
    const b = c.seal(key, value, aad);
    expect(a.equals(b)).toBe(false);
    expect(c.open(key, a, aad).equals(value)).toBe(true);
    expect(c.open(key, c.seal(key, Buffer.alloc(0), aad), aad).length).toBe(0);
  });

  it('refuses a changed byte, another field, another key, a truncated value', () => {
    const sealed = c.seal(key, value, aad);
    for (let i = 0; i < sealed.length; i += 7) {
      const bad = Buffer.from(sealed);
      bad[i] = bad[i]! ^ 1;
      expect(() => c.open(key, bad, aad)).toThrow(SealBroken);
    }
    expect(() => c.open(key, sealed, Buffer.from('resource:1\u0000phone'))).toThrow(SealBroken);
    expect(() => c.open(randomBytes(c.keyBytes), sealed, aad)).toThrow(SealBroken);
    expect(() => c.open(key, sealed.subarray(0, 20), aad)).toThrow(SealBroken);
  });
});
