import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POLICY } from './policy.js';
import { POLICY_DOC_BEGIN, POLICY_DOC_END, renderPolicySection, withPolicySection } from './policy-doc.js';

const doc = readFileSync(new URL('../../docs/access.md', import.meta.url), 'utf8');

describe('docs/access.md', () => {
  it('carries the policy section as the policy renders it (run `npm run docs:access`)', () => {
    const begin = doc.indexOf(POLICY_DOC_BEGIN);
    const end = doc.indexOf(POLICY_DOC_END);
    expect(begin).toBeGreaterThanOrEqual(0);
    expect(doc.slice(begin, end + POLICY_DOC_END.length)).toBe(renderPolicySection());
  });

  it('lists every action once, and keeps the hand-written part when regenerated', () => {
    for (const action of Object.keys(POLICY)) expect(doc.split(`| \`${action}\` |`)).toHaveLength(2);
    expect(withPolicySection(doc)).toBe(doc);
    expect(doc.startsWith('# Access: logins, tokens, revocation')).toBe(true);
  });
});
