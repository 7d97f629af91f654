/**
 * How a person may act for an enterprise: as its legal representative (for every purpose, with no
 * end), or as an agent within the appointment the representative made (its purposes, null = any;
 * until its expiry, null = until revoked).
 */
export interface EnterpriseAuthority {
  as: 'representative' | 'agent';
  purposes: string[] | null;
  until: Date | null;
}

/** One appointment of an agent, as stored (access.enterprise_agent). */
export interface Appointment {
  purposes: string[] | null;
  validUntil: Date | null;
  revokedAt: Date | null;
}

/** Whether an appointment holds at `now`: not revoked and not expired (it ends at `validUntil`). */
export function appointmentLive(a: Appointment, now: Date): boolean {
  return a.revokedAt === null && (a.validUntil === null || a.validUntil.getTime() > now.getTime());
}

/** Whether an appointment covers a purpose: it names none (any) or names this one. */
export function appointmentCovers(a: Pick<Appointment, 'purposes'>, purpose: string): boolean {
  return a.purposes === null || a.purposes.includes(purpose);
}

/**
 * The authority a person holds, from whether they are the representative and their appointments
 * as an agent of the same enterprise: the representative's first, else the first live appointment
 * (that covers `purpose`, when one is asked about); null when none holds.
 */
export function authorityOf(
  standing: { representative: boolean; appointments: readonly Appointment[] },
  purpose: string | undefined,
  now: Date,
): EnterpriseAuthority | null {
  if (standing.representative) return { as: 'representative', purposes: null, until: null };
  const held = standing.appointments.find(
    (a) => appointmentLive(a, now) && (purpose === undefined || appointmentCovers(a, purpose)),
  );
  return held ? { as: 'agent', purposes: held.purposes && [...held.purposes], until: held.validUntil } : null;
}

/** A time as given; a bare date (YYYY-MM-DD) is the end of that day in China time, as people mean "until". */
export function endOf(time: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(time) ? new Date(`${time}T23:59:59.999+08:00`) : new Date(time);
}
