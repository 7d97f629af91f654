import { describe, expect, it } from 'vitest';
import { marriages } from './marriages.js';
import { people } from './people.js';

describe('the demo’s marriage registrations', () => {
  const residents = [...people(400, 2026)];
  const rows = [...marriages(residents, new Date('2026-12-05T00:00:00Z'))];
  const byId = new Map(rows.map((r) => [r.citizen_id, r]));

  it('marry the demo citizen first, five years ago, to a resident of the other sex', () => {
    const [citizen] = residents;
    expect(rows[0]).toMatchObject({ citizen_id: citizen!.citizen_id, register_date: '2021-12-05' });
    expect(residents.find((p) => p.citizen_id === rows[0]!.spouse_id)!.gender).not.toBe(citizen!.gender);
  });

  it('register each person once, as one of a couple whose records name each other', () => {
    expect(byId.size).toBe(rows.length);
    for (const r of rows) expect(byId.get(r.spouse_id)).toMatchObject({ spouse_id: r.citizen_id, cert_no: r.cert_no });
    expect(rows.length / residents.length).toBeGreaterThan(0.2);
    expect(rows.length).toBeLessThan(residents.length);
  });
});
