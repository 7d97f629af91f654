import { describe, expect, it } from 'vitest';
import { appointmentCovers, appointmentLive, authorityOf, endOf, type Appointment } from './enterprise-authority.js';

const now = new Date('2026-06-01T00:00:00Z');
const later = new Date('2026-07-01T00:00:00Z');
const earlier = new Date('2026-05-01T00:00:00Z');
const appointment = (a: Partial<Appointment> = {}): Appointment => ({
  purposes: ['credit_service'],
  validUntil: later,
  revokedAt: null,
  ...a,
});

describe('enterprise authority', () => {
  it('gives the representative every purpose, with no end, whatever the purpose asked', () => {
    const rep = { as: 'representative', purposes: null, until: null };
    expect(authorityOf({ representative: true, appointments: [] }, undefined, now)).toEqual(rep);
    expect(authorityOf({ representative: true, appointments: [] }, 'statistics', now)).toEqual(rep);
  });

  it('gives an agent the terms of the appointment, for a purpose it covers', () => {
    const standing = { representative: false, appointments: [appointment()] };
    const agent = { as: 'agent', purposes: ['credit_service'], until: later };
    expect(authorityOf(standing, undefined, now)).toEqual(agent);
    expect(authorityOf(standing, 'credit_service', now)).toEqual(agent);
  });

  it('gives nothing for a purpose outside the appointment, after its expiry or its revocation', () => {
    expect(authorityOf({ representative: false, appointments: [appointment()] }, 'statistics', now)).toBeNull();
    expect(authorityOf({ representative: false, appointments: [appointment()] }, undefined, later)).toBeNull();
    const revoked = appointment({ revokedAt: earlier });
    expect(authorityOf({ representative: false, appointments: [revoked] }, 'credit_service', now)).toBeNull();
    expect(authorityOf({ representative: false, appointments: [] }, undefined, now)).toBeNull();
  });

  it('reads null purposes as any purpose and a null expiry as until revoked', () => {
    const open = appointment({ purposes: null, validUntil: null });
    expect(appointmentCovers(open, 'statistics')).toBe(true);
    expect(appointmentLive(open, new Date('2100-01-01T00:00:00Z'))).toBe(true);
    expect(authorityOf({ representative: false, appointments: [open] }, 'statistics', now)).toEqual({
      as: 'agent',
      purposes: null,
      until: null,
    });
  });

  it('ends an appointment at its expiry, not after', () => {
    expect(appointmentLive(appointment({ validUntil: now }), now)).toBe(false);
    expect(appointmentLive(appointment({ validUntil: new Date(now.getTime() + 1) }), now)).toBe(true);
  });

  it('reads a bare date as the end of that day in China time, a time as it is', () => {
    expect(endOf('2027-06-30').toISOString()).toBe('2027-06-30T15:59:59.999Z');
    expect(endOf('2027-06-30T08:00:00Z').toISOString()).toBe('2027-06-30T08:00:00.000Z');
    expect(Number.isNaN(endOf('not a time').getTime())).toBe(true);
  });
});
