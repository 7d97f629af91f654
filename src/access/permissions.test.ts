import { describe, expect, it } from 'vitest';
import { permissionsOf } from './permissions.js';

describe('permissionsOf', () => {
  it('lists the actions a role may take, with where they hold', () => {
    const officer = permissionsOf(['officer']);
    expect(officer.permissions).toContain('catalog:edit');
    expect(officer.scopes['catalog:edit']).toEqual(['own']);
    expect(officer.permissions).not.toContain('catalog:review');
    expect(permissionsOf(['operator']).scopes['catalog:review']).toEqual(['any']);
  });

  it('gives a citizen only their own data, and no role nothing', () => {
    const citizen = permissionsOf(['citizen']);
    expect(citizen.scopes['ledger:read-own-entries']).toEqual(['self']);
    expect(citizen.permissions).not.toContain('ledger:read-entries');
    expect(citizen.permissions).not.toContain('grant:list-all');
    expect(permissionsOf([])).toEqual({ permissions: [], scopes: {} });
  });
});
