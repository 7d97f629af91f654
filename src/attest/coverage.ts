import type { ConsentTerms } from '../consent/index.js';
import { msg, type Message } from '../kernel/index.js';
import { readsOf, type Condition, type SubjectKind } from './rule.js';

/**
 * The first thing an item's rule reads that a consent does not cover, named for the refusal; none
 * when the consent covers it all. A consent covers a resource it names, and of it the fields it
 * names: a rule testing a field outside them would answer from data the subject never agreed to
 * show. A base database is no resource a consent can name, so under consent a rule may ask only
 * whether the subject is in it (the consent is about that very subject), not test its fields.
 */
export function uncoveredRead(rule: Condition, kind: SubjectKind, data: ConsentTerms['data']): Message | undefined {
  for (const { source, fields } of readsOf(rule, kind).values()) {
    if ('base' in source) {
      const [field] = fields;
      if (field !== undefined) return msg('attest.baseField', { base: msg(`baseKind.${source.base}`), field });
      continue;
    }
    const granted = data.find((d) => d.resource === source.resource);
    if (!granted) return msg('attest.resourceNotConsented', { code: source.resource });
    const field = [...fields].find((f) => !granted.fields.includes(f));
    if (field !== undefined) return msg('attest.fieldNotConsented', { code: source.resource, field });
  }
  return undefined;
}
