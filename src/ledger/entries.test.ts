import { readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { ENTRY_KINDS, LedgerEntrySchema, entryProblem, orgsOf } from './entries.js';
import { readEntry } from './legacy.js';

const doc = readFileSync(new URL('../../docs/ledger.md', import.meta.url), 'utf8');

/** Each documented kind: its `### \`kind\`` heading and the first JSON example below it. */
function documented(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const m of doc.matchAll(/^### `([a-z.]+)`\n[\s\S]*?```json\n(.*?)\n```/gm)) {
    out.set(m[1]!, JSON.parse(m[2]!));
  }
  return out;
}

describe('docs/ledger.md and the entry schemas', () => {
  it('documents every kind of the code, and no other', () => {
    expect([...documented().keys()].sort()).toEqual([...ENTRY_KINDS].sort());
  });

  it.each([...documented()])('the example of %s validates against its schema', (kind, example) => {
    expect((example as { kind: string }).kind).toBe(kind);
    expect(entryProblem(example)).toBeUndefined();
  });

  it('declares every kind in the union the routes answer with', () => {
    const kinds = LedgerEntrySchema.anyOf.map((s) => s.properties.kind.const as string);
    expect(kinds.sort()).toEqual([...ENTRY_KINDS].sort());
  });

  it('refuses an entry of an unknown kind, a missing field or a field no schema has', () => {
    const example = documented().get('share.grant.changed') as Record<string, unknown>;
    expect(entryProblem({ ...example, kind: 'grant' })).toMatch(/unknown ledger entry kind/);
    expect(entryProblem({ ...example, grant: undefined })).toMatch(/grant/);
    expect(entryProblem({ ...example, note: 'x' })).toBeDefined();
    expect(entryProblem({ ...example, v: 2 })).toBeDefined();
  });
});

describe('legacy kinds', () => {
  const at = '2026-01-01T00:00:00.000Z';
  const cases: Array<[Record<string, unknown>, string]> = [
    [
      {
        kind: 'access',
        op: 'lookup',
        at,
        actor: 'consumer',
        org: 'JNMZJ',
        resource: 'JNGAJ-0001',
        purpose: 'eligibility_check',
        subject: 'ab'.repeat(32),
        outcome: 'denied',
        reason: 'purpose',
        grant: 1,
      },
      'share.read',
    ],
    [{ kind: 'grant', action: 'revoke', grant: 3, actor: 'operator', at }, 'share.grant.changed'],
    [{ kind: 'purpose', action: 'add', code: 'x', name: 'X', description: '', actor: 'operator', at }, 'purpose.added'],
    [
      { kind: 'person', action: 'authority', element: 'person_name', provider: null, actor: 'operator', at },
      'base.authority.set',
    ],
    [
      { kind: 'base.event', action: 'label', code: 'elderly', digest: 'cd'.repeat(32), actor: 'o', at },
      'base.label.defined',
    ],
  ];

  it.each(cases)('reads %j as its current kind', (old, kind) => {
    const read = readEntry(canonicalize(old)!);
    expect(read?.kind).toBe(kind);
    expect(read?.v).toBe(1);
  });

  it('reads an authority change by the base it named', () => {
    const old = { kind: 'legal_entity', action: 'authority', element: 'x', provider: 'JNSCJGJ', actor: 'o', at };
    expect(readEntry(JSON.stringify(old))).toMatchObject({ kind: 'base.authority.set', base: 'legal_entity' });
  });

  it('reads a shape it does not know as nothing rather than guessing', () => {
    expect(readEntry('{"kind":"test","n":1}')).toBeUndefined();
    expect(readEntry('{"kind":"grant","action":"create","grant":1}')).toBeUndefined();
  });
});

describe('orgsOf', () => {
  it('names the actor’s, consumer’s and provider’s organizations and a resource code’s owner, once each', () => {
    expect(orgsOf({ kind: 'share.read', org: 'JNMZJ', resource: 'JNGAJ-0001' })).toEqual(['JNMZJ', 'JNGAJ']);
    expect(orgsOf({ org: 'JNDSJ', consumer: 'JNMZJ', resource: 'JNMZJ-0002' })).toEqual(['JNDSJ', 'JNMZJ']);
    expect(orgsOf({ org: null, provider: 'JNSCJGJ', resource: 'base:person' })).toEqual(['JNSCJGJ']);
    expect(orgsOf({ kind: 'share.grant.changed', actor: 'operator' })).toEqual([]);
  });
});
