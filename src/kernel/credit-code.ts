import type { IdCheck } from './citizen-id.js';
import { refuse } from './messages/index.js';

/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015): registration authority,
 * entity type, 6-digit division, the 9-character organization code (GB 11714, with its own
 * check character) and a MOD 31 check character. The letters I, O, Z, S, V are never used.
 */
export interface CreditCodeInfo {
  code: string;
  registrationAuthority: string;
  entityType: string;
  division: string;
  orgCode: string;
}

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return CHARSET[(31 - (sum % 31)) % 31]!;
}

/** GB 11714 check character of an 8-character organization code body (digits and A–Z). */
export function orgCodeCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body8[i]!, 36) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function checkCreditCode(raw: string): IdCheck<CreditCodeInfo> {
  const code = raw.trim().toUpperCase();
  if (code.length !== 18) return refuse('credit.length');
  const bad = [...code].find((c) => !CHARSET.includes(c));
  if (bad !== undefined) return refuse('credit.char', { char: bad });
  const orgCode = code.slice(8, 17);
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(orgCode) || orgCodeCheckChar(orgCode.slice(0, 8)) !== orgCode[8]) {
    return refuse('credit.orgCode', { orgCode });
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (code[17] !== expected) return refuse('credit.checkChar', { expected, got: code[17]! });
  return {
    ok: true,
    value: { code, registrationAuthority: code[0]!, entityType: code[1]!, division: code.slice(2, 8), orgCode },
  };
}

export function isCreditCode(raw: string): boolean {
  return checkCreditCode(raw).ok;
}

/** Builds a valid code for a synthetic enterprise (authority 9 = 工商, type 1 = enterprise). */
export function makeCreditCode(division: string, serial: number): string {
  const body = String(serial % 1e8).padStart(8, '0');
  const first17 = '91' + division + body + orgCodeCheckChar(body);
  return first17 + creditCodeCheckChar(first17);
}
