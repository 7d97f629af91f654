import { createRequire } from 'node:module';

/**
 * The working-day calendar of Chinese state organs: Monday to Friday, except statutory
 * holidays, plus the make-up working days (调休) on weekends. The data come from the
 * maintained `chinese-days` package; for years it does not cover yet, only weekends count,
 * which `calendarCoverage()` lets a caller notice. Dates are calendar days in China (UTC+8).
 */
const require = createRequire(import.meta.url);
const data = require('chinese-days/dist/chinese-days.json') as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};
const HOLIDAYS = new Set(Object.keys(data.holidays));
const MAKEUP_WORKDAYS = new Set(Object.keys(data.workdays));
const DAY = 86_400_000;
const SHANGHAI_OFFSET = 8 * 3_600_000;

/** 'YYYY-MM-DD' of a Date in China, or a validated date string as it is. */
export function chinaDate(date: string | Date): string {
  if (typeof date === 'string') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date + 'T00:00:00Z'))) {
      throw new RangeError(`not a date: ${date}`);
    }
    return date;
  }
  return new Date(date.getTime() + SHANGHAI_OFFSET).toISOString().slice(0, 10);
}

const shift = (day: string, n: number) => new Date(Date.parse(day + 'T00:00:00Z') + n * DAY).toISOString().slice(0, 10);

export function isWorkingDay(date: string | Date): boolean {
  const day = chinaDate(date);
  if (MAKEUP_WORKDAYS.has(day)) return true;
  if (HOLIDAYS.has(day)) return false;
  const weekday = new Date(day + 'T00:00:00Z').getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The date n working days after `start` (the start day itself does not count), as a deadline
 * "within 5 working days" is read. n = 0 gives start when it is a working day, else the next one.
 */
export function addWorkingDays(start: string | Date, n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a non-negative integer, got ${n}`);
  let day = chinaDate(start);
  if (n === 0) {
    while (!isWorkingDay(day)) day = shift(day, 1);
    return day;
  }
  for (let left = n; left > 0;) {
    day = shift(day, 1);
    if (isWorkingDay(day)) left--;
  }
  return day;
}

/** Working days in (from, to]; negative when `to` is before `from`. */
export function workingDaysBetween(from: string | Date, to: string | Date): number {
  const [a, b] = [chinaDate(from), chinaDate(to)];
  if (a === b) return 0;
  const [lo, hi, sign] = a < b ? [a, b, 1] : [b, a, -1];
  let count = 0;
  for (let day = shift(lo, 1); day <= hi; day = shift(day, 1)) if (isWorkingDay(day)) count++;
  return sign * count;
}

export function calendarCoverage(): { firstYear: number; lastYear: number } {
  const years = [...HOLIDAYS].map((d) => Number(d.slice(0, 4)));
  return { firstYear: Math.min(...years), lastYear: Math.max(...years) };
}
