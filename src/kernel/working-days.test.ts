import { describe, expect, it } from 'vitest';
import { addWorkingDays, calendarCoverage, chinaDate, isWorkingDay, workingDaysBetween } from './working-days.js';

describe('working-day calendar', () => {
  it('knows statutory holidays', () => {
    expect(isWorkingDay('2026-10-01')).toBe(false); // National Day, a Thursday
    expect(isWorkingDay('2026-02-17')).toBe(false); // Spring Festival, a Tuesday
    expect(isWorkingDay('2026-11-24')).toBe(true); // an ordinary Tuesday
    expect(isWorkingDay('2026-11-28')).toBe(false); // an ordinary Saturday
  });

  it('knows make-up working days on weekends', () => {
    expect(isWorkingDay('2025-09-28')).toBe(true); // Sunday before National Day 2025
    expect(isWorkingDay('2026-02-14')).toBe(true); // Saturday before Spring Festival 2026
    expect(isWorkingDay('2026-02-28')).toBe(true);
    expect(isWorkingDay('2026-10-10')).toBe(true);
  });

  it('counts deadlines across the National Day golden week', () => {
    // Filed on Tuesday 2026-09-29: 30 Sep is a working day, 1–7 Oct are not, 8–9 Oct are, 10 Oct is make-up.
    expect(addWorkingDays('2026-09-29', 1)).toBe('2026-09-30');
    expect(addWorkingDays('2026-09-29', 2)).toBe('2026-10-08');
    expect(addWorkingDays('2026-09-29', 5)).toBe('2026-10-12');
    expect(addWorkingDays('2026-10-03', 0)).toBe('2026-10-08');
    expect(workingDaysBetween('2026-09-29', '2026-10-12')).toBe(5);
    expect(workingDaysBetween('2026-10-12', '2026-09-29')).toBe(-5);
  });

  it('agrees with itself: n working days later is n working days between', () => {
    for (let d = 0; d < 120; d++) {
      const start = new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
      for (const n of [1, 3, 5, 10]) expect(workingDaysBetween(start, addWorkingDays(start, n))).toBe(n);
    }
  });

  it('reads a Date as the calendar day in China', () => {
    expect(chinaDate(new Date('2026-09-30T23:30:00Z'))).toBe('2026-10-01');
    expect(isWorkingDay(new Date('2026-09-30T23:30:00Z'))).toBe(false);
    expect(() => addWorkingDays('2026-13-01', 1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-10-01', -1)).toThrow(RangeError);
  });

  it('says which years it covers', () => {
    expect(calendarCoverage().lastYear).toBeGreaterThanOrEqual(2026);
  });
});
