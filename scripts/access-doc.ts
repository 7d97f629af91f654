/** Writes the policy section of docs/access.md from src/access/policy.ts (`npm run docs:access`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { withPolicySection } from '../src/access/policy-doc.js';

const path = new URL('../docs/access.md', import.meta.url);
writeFileSync(path, withPolicySection(readFileSync(path, 'utf8')));
console.log('docs/access.md: policy section written');
