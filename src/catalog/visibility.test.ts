import { describe, expect, it } from 'vitest';
import type { Actor } from '../access/index.js';
import { seesWorkingCopy, viewerOf } from './visibility.js';

const actor = (roles: Actor['roles'], org: string | null = 'JNMZJ'): Actor => ({
  userId: 1,
  username: 'u',
  roles,
  org: org === null ? null : { id: 1, code: org, name: org },
  via: 'token',
});

describe('catalog visibility', () => {
  it('gives working copies to operators and to the provider’s officers only', () => {
    expect(viewerOf(actor(['operator'], null))).toEqual({ all: true, org: null });
    expect(viewerOf(actor(['officer']))).toEqual({ all: false, org: 'JNMZJ' });
    for (const roles of [['consumer'], ['auditor'], ['citizen'], ['third_party']] as const)
      expect(viewerOf(actor(roles)), roles[0]).toEqual({ all: false, org: null });
    expect(viewerOf(null)).toEqual({ all: false, org: null });
  });

  it('shows a consumer of the provider’s own organization the published version', () => {
    expect(seesWorkingCopy(viewerOf(actor(['consumer'])), 'JNMZJ')).toBe(false);
    expect(seesWorkingCopy(viewerOf(actor(['officer'])), 'JNMZJ')).toBe(true);
    expect(seesWorkingCopy(viewerOf(actor(['officer'])), 'JNGAJ')).toBe(false);
    expect(seesWorkingCopy(viewerOf(actor(['operator'], null)), 'JNGAJ')).toBe(true);
  });
});
