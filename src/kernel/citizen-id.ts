import { refuse, type Refusal } from './messages/index.js';

/**
 * Citizen ID numbers (公民身份号码, GB 11643-1999): 6-digit division, 8-digit birth date,
 * 3-digit sequence (odd = male), and an ISO 7064 MOD 11-2 check character. The old 15-digit
 * form (two-digit year, no check character) is recognised and upgraded.
 */
export type IdCheck<T> = { ok: true; value: T } | Refusal;

export interface CitizenIdInfo {
  /** Normalized 18-character form with an uppercase X. */
  id: string;
  division: string;
  birthDate: string;
  gender: 'male' | 'female';
  upgradedFrom15: boolean;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

export function citizenIdCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export function checkCitizenId(raw: string): IdCheck<CitizenIdInfo> {
  const text = raw.trim().toUpperCase();
  if (/^\d{15}$/.test(text)) return checkEighteen(upgrade15(text), true);
  if (text.length !== 18) return refuse('id.length');
  if (!/^\d{17}[\dX]$/.test(text)) return refuse('id.chars');
  return checkEighteen(text, false);
}

/** How GB/T 2261.1 writes the gender an ID's 17th digit gives. */
export const GENDER_NAME = { male: '男', female: '女' } as const;

/**
 * What a citizen ID that was validated already (a loaded key, a row past ingest's validate
 * stage) states about its holder, read from its digits rather than checked again: per row of a
 * million-row load, the full check would run several times over. Any other form (15 digits, a
 * lower-case x) goes through `checkCitizenId`, which normalizes it; null if that fails.
 */
export function citizenIdFacts(id: string): Pick<CitizenIdInfo, 'birthDate' | 'gender'> | null {
  if (!/^\d{17}[\dX]$/.test(id)) {
    const parsed = checkCitizenId(id);
    return parsed.ok ? parsed.value : null;
  }
  return {
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    gender: Number(id[16]) % 2 === 1 ? 'male' : 'female',
  };
}

export function isCitizenId(raw: string): boolean {
  return checkCitizenId(raw).ok;
}

/** Builds a valid ID (for the synthetic demo population). */
export function makeCitizenId(division: string, birthDate: string, sequence: number): string {
  const first17 = division + birthDate.replaceAll('-', '') + String(sequence % 1000).padStart(3, '0');
  return first17 + citizenIdCheckDigit(first17);
}

function upgrade15(id15: string): string {
  const first17 = id15.slice(0, 6) + '19' + id15.slice(6);
  return first17 + citizenIdCheckDigit(first17);
}

function checkEighteen(id: string, upgradedFrom15: boolean): IdCheck<CitizenIdInfo> {
  const division = id.slice(0, 6);
  if (division.startsWith('0')) return refuse('id.division', { division });
  const birth = checkBirthDate(id.slice(6, 14));
  if (!birth.ok) return birth;
  const expected = citizenIdCheckDigit(id.slice(0, 17));
  if (id[17] !== expected) return refuse('id.checkDigit', { expected, got: id[17]! });
  const gender = Number(id[16]) % 2 === 1 ? 'male' : 'female';
  return { ok: true, value: { id, division, birthDate: birth.value, gender, upgradedFrom15 } };
}

function checkBirthDate(yyyymmdd: string): IdCheck<string> {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const iso = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
  if (!isCalendarDate(y, m, d)) return refuse('id.birthDateMissing', { date: iso });
  if (y < 1900 || Date.UTC(y, m - 1, d) > Date.now()) return refuse('id.birthDateRange', { date: iso });
  return { ok: true, value: iso };
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether year-month-day is a day of the Gregorian calendar (checked per row of big loads: no Date object). */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!);
}
