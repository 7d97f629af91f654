import { describe, expect, it } from 'vitest';
import type { Actor } from './actor.js';
import { authorize, isAllowed } from './authorize.js';

const actor = (roles: Actor['roles'], org = 'JNGAJ'): Actor => ({
  userId: 1,
  username: 'u',
  roles,
  org: { id: 1, code: org, name: org },
  via: 'token',
});

describe('authorize', () => {
  it('denies anonymous callers with 401 and unlisted actions with 403', () => {
    expect(() => authorize(null, 'catalog:read')).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => authorize(actor(['operator']), 'no:such' as never)).toThrow(expect.objectContaining({ status: 403 }));
  });

  it("lets officers act only on their own organization's resources", () => {
    expect(isAllowed(actor(['officer']), 'ingest:upload', { ownerOrg: 'JNGAJ' })).toBe(true);
    expect(isAllowed(actor(['officer']), 'ingest:upload', { ownerOrg: 'JNMZJ' })).toBe(false);
    expect(isAllowed(actor(['officer']), 'catalog:register', {})).toBe(false);
    expect(isAllowed(actor(['consumer']), 'records:browse', { ownerOrg: 'JNGAJ' })).toBe(false);
  });

  it('lets either party of a demand see it, and only the provider officers answer it', () => {
    const parties = { ownerOrg: ['JNMZJ', 'JNGAJ'] };
    expect(isAllowed(actor(['consumer'], 'JNMZJ'), 'demand:read', parties)).toBe(true);
    expect(isAllowed(actor(['officer'], 'JNGAJ'), 'demand:read', parties)).toBe(true);
    expect(isAllowed(actor(['officer'], 'JNSCJG'), 'demand:read', parties)).toBe(false);
    expect(isAllowed(actor(['auditor'], 'JNDSJ'), 'demand:read', parties)).toBe(true);
    expect(isAllowed(actor(['officer'], 'JNGAJ'), 'demand:confirm', { ownerOrg: 'JNGAJ' })).toBe(true);
    expect(isAllowed(actor(['consumer'], 'JNGAJ'), 'demand:confirm', { ownerOrg: 'JNGAJ' })).toBe(false);
    expect(isAllowed(actor(['operator'], 'JNDSJ'), 'demand:confirm', { ownerOrg: 'JNGAJ' })).toBe(false);
  });

  it('lets other organizations report errors, and citizens only about themselves', () => {
    expect(isAllowed(actor(['consumer'], 'JNMZJ'), 'quality:report-granted', { ownerOrg: 'JNGAJ' })).toBe(true);
    expect(isAllowed(actor(['officer'], 'JNGAJ'), 'quality:report-granted', { ownerOrg: 'JNGAJ' })).toBe(false);
    expect(isAllowed(actor(['consumer'], 'JNMZJ'), 'quality:report-granted')).toBe(false);
    expect(isAllowed(actor(['citizen']), 'quality:report-own-record', { self: true })).toBe(true);
    expect(isAllowed(actor(['citizen']), 'quality:report-own-record', { self: false })).toBe(false);
  });

  it('keeps grant management to operators and the ledger to auditors and operators', () => {
    expect(isAllowed(actor(['operator']), 'grant:manage')).toBe(true);
    expect(isAllowed(actor(['officer']), 'grant:manage')).toBe(false);
    expect(isAllowed(actor(['auditor']), 'ledger:read-entries')).toBe(true);
    expect(isAllowed(actor(['citizen']), 'ledger:read-entries')).toBe(false);
    expect(isAllowed(actor(['citizen']), 'records:lookup')).toBe(false);
  });
});
