import { randomInt } from 'node:crypto';

/**
 * The rules every password a person chooses must meet (a change, an operator's reset, a new
 * account), stated once so that the server, the CLI and the web app say the same thing. Seeded
 * and scripted accounts (`createUser`) only need the minimum length.
 */
export const PASSWORD_RULES = { minLength: 8, maxLength: 128, minKinds: 2 } as const;

export type PasswordRule = 'length' | 'kinds' | 'username' | 'same';

/** Which rule the password breaks, or undefined: length, two kinds of letters/digits/symbols, not the user name. */
export function passwordBreaks(password: string, username: string, current?: string): PasswordRule | undefined {
  const chars = [...password];
  if (chars.length < PASSWORD_RULES.minLength || chars.length > PASSWORD_RULES.maxLength) return 'length';
  const kinds = [/\p{L}/u, /\p{Nd}/u, /[^\p{L}\p{Nd}]/u].filter((k) => k.test(password)).length;
  if (kinds < PASSWORD_RULES.minKinds) return 'kinds';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'username';
  if (current !== undefined && password === current) return 'same';
  return undefined;
}

// Without look-alikes (0/O, 1/l/I), so that a password read out over the phone is typed right.
const LETTERS = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';

/** A one-time password (shown once, changed at the first login): 12 characters in groups of four, letters and digits. */
export function oneTimePassword(): string {
  const alphabet = LETTERS + DIGITS;
  for (;;) {
    const chars = Array.from({ length: 12 }, () => alphabet[randomInt(alphabet.length)]!);
    const text = `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
    if (/[2-9]/.test(text) && /[a-zA-Z]/.test(text)) return text;
  }
}
