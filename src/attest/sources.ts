import { BASES } from '../base/index.js';
import { findDataElement, type CatalogService, type Resource } from '../catalog/index.js';
import { checkCitizenId, checkCreditCode, invalid, msg, type Message } from '../kernel/index.js';
import type { RuleCatalog, SourceInfo } from './check.js';
import type { Doc, SubjectData } from './evaluate.js';
import { sourceKey, type Source, type SubjectKind } from './rule.js';

/** How the subject's own records are read: the base's values, one resource's record (share's record store). */
export interface SubjectReader {
  base(kind: SubjectKind, key: string): Promise<Doc | null>;
  record(resource: Resource, key: string): Promise<Doc | null>;
}

/**
 * The rule language's view of the catalog: a base database by its declared data elements, a
 * resource by its fields — only one whose key field binds the subject's key element, so that its
 * records are the subject's own (as consents require of the resources they name).
 */
export function catalogSources(catalog: Pick<CatalogService, 'get'>): RuleCatalog {
  return {
    async source(source: Source, kind: SubjectKind): Promise<SourceInfo | Message> {
      if ('base' in source) {
        const base = BASES[source.base];
        const fields = base.elements.flatMap((code) => {
          const e = findDataElement(code);
          return e ? [{ name: code, label: e.name, type: e.type, codeList: e.codeList }] : [];
        });
        return { name: base.name, fields };
      }
      const resource = await catalog.get(source.resource).catch(() => undefined);
      if (!resource) return msg('attest.noResource', { code: source.resource });
      const keyField = resource.fields.find((f) => f.name === resource.keyField);
      if (keyField?.element !== BASES[kind].keyElement)
        return msg('attest.notAboutSubject', { code: source.resource, base: msg(`baseKind.${kind}`) });
      const fields = resource.fields
        .filter((f) => f.name !== resource.keyField)
        .map((f) => ({ name: f.name, label: f.label, type: f.type, codeList: f.codeList }));
      return { name: resource.name, fields };
    },
  };
}

/**
 * The subject's record in each source a rule reads, fetched at once. Only the subject's own:
 * the base's merged values and each resource's one record keyed by the subject's ID.
 */
export async function fetchSubject(
  sources: Source[],
  kind: SubjectKind,
  key: string,
  deps: { catalog: Pick<CatalogService, 'get'>; reader: SubjectReader },
): Promise<SubjectData> {
  const docs = await Promise.all(
    sources.map(async (s) => {
      if ('base' in s) return deps.reader.base(s.base, key);
      const resource = await deps.catalog.get(s.resource).catch(() => undefined);
      return resource ? deps.reader.record(resource, key) : null;
    }),
  );
  return new Map(sources.map((s, i) => [sourceKey(s), docs[i] ?? null]));
}

/** The subject's ID as the records key it: a citizen ID (GB 11643) or a credit code (GB 32100). */
export function subjectKey(kind: SubjectKind, raw: string): string {
  if (kind === 'person') {
    const checked = checkCitizenId(raw);
    if (!checked.ok) throw invalid('subject', checked.message);
    return checked.value.id;
  }
  const checked = checkCreditCode(raw);
  if (!checked.ok) throw invalid('subject', checked.message);
  return checked.value.code;
}
