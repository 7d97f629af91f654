import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ITEM_CODE, type ProofItem, type SubjectKind } from '../../attest/index.js';
import type { Hub } from '../../hub/index.js';
import { PURPOSE_CODE } from '../../purpose/index.js';
import { created } from '../created.js';

const Texts = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });
const Named = Type.Object({ code: Type.String(), name: Type.String() });
const Code = Type.Object({ code: Type.String({ pattern: ITEM_CODE }) });
const SubjectKindSchema = Type.Union([Type.Literal('person'), Type.Literal('legal_entity')], {
  description: 'person: by citizen ID; legal_entity: by unified social credit code',
});
/**
 * A rule as the API takes it: the condition language of docs/attest.md (its schema is
 * `ConditionSchema`, checked node by node by the hub so that a refusal names the node and why).
 */
const RuleInput = Type.Unknown({ description: 'a condition of the rule language (docs/attest.md)' });

const ItemView = Type.Object({
  code: Type.String(),
  name: Texts,
  provider: Named,
  subjectKind: SubjectKindSchema,
  version: Type.Integer({ description: 'the rule version in force' }),
  rule: Type.Unknown({ description: 'the condition (docs/attest.md)' }),
  description: Texts,
  updatedAt: Type.String(),
});
const VersionView = Type.Object({
  version: Type.Integer(),
  rule: Type.Unknown(),
  description: Texts,
  digest: Type.String({ description: 'H of the rule’s RFC 8785 JSON, as its ledger entry names it' }),
  note: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String(),
});
const Statement = Type.Object(
  {
    type: Type.Literal('qdh.attestation'),
    id: Type.String(),
    item: Type.String(),
    ruleVersion: Type.Integer(),
    subjectKind: SubjectKindSchema,
    subject: Type.String({ description: 'the ledger’s keyed tag of the subject’s ID (no ID in clear)' }),
    answer: Type.Boolean(),
    purpose: Type.String(),
    asker: Type.String({ description: 'the organization that asked' }),
    basis: Type.Union([
      Type.Object({ consent: Type.String() }, { additionalProperties: false }),
      Type.Object({ legalBasis: Type.String() }, { additionalProperties: false }),
    ]),
    issuedAt: Type.String(),
  },
  { additionalProperties: false, description: 'what the hub signed: its RFC 8785 JSON' },
);
const Stat = Type.Object({ code: Type.String(), name: Type.String(), answered: Type.Integer() });

/**
 * 无证明核验 (#17, docs/attest.md): proof items and their versioned rules, the question of a
 * window or system — answered yes or no, signed by the ledger key, never with a value of the
 * subject's records — its public verification, and the cockpit's counters.
 */
export function attestationRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  const orgNames = async () => new Map((await hub.access.listOrganizations()).map((o) => [o.code, o.name]));
  const viewOf = (names: Map<string, string>) => (i: ProofItem) => ({
    ...i,
    provider: { code: i.provider, name: names.get(i.provider) ?? i.provider },
  });
  return async (app) => {
    app.get(
      '/items',
      {
        schema: {
          tags: ['attest'],
          summary:
            'The proof items (证明事项): each with its department, rule version in force and its condition in words',
          security: [{ apiKey: [] }, { bearer: [] }],
          response: { 200: Type.Object({ items: Type.Array(ItemView) }) },
        },
      },
      async (request) => {
        const items = await hub.attest.listItems(request.actor);
        return { items: items.map(viewOf(await orgNames())) };
      },
    );

    app.get(
      '/items/:code',
      {
        schema: {
          tags: ['attest'],
          summary: 'One proof item and every version of its rule, newest first',
          security: [{ apiKey: [] }, { bearer: [] }],
          params: Code,
          response: { 200: Type.Object({ item: ItemView, versions: Type.Array(VersionView) }) },
        },
      },
      async (request) => {
        const { item, versions } = await hub.attest.getItem(request.actor, request.params.code);
        return { item: viewOf(await orgNames())(item), versions };
      },
    );

    app.post(
      '/items',
      {
        schema: {
          tags: ['attest'],
          summary: 'Add a proof item with its first rule version (operators; a data officer for their department)',
          security: [{ bearer: [] }],
          body: Type.Object(
            {
              code: Type.String({ pattern: ITEM_CODE }),
              name: Type.Object(
                {
                  'zh-CN': Type.String({ minLength: 1, maxLength: 60 }),
                  en: Type.String({ minLength: 1, maxLength: 120 }),
                },
                { additionalProperties: false },
              ),
              provider: Type.String({ pattern: '^[A-Za-z0-9_]{1,40}$', description: 'the responsible department' }),
              subjectKind: SubjectKindSchema,
              rule: RuleInput,
              note: Type.Optional(Type.String({ maxLength: 500 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: ItemView },
        },
      },
      async (request, reply) => {
        const item = await hub.attest.create(request.actor, request.body);
        return created(reply, viewOf(await orgNames())(item));
      },
    );

    app.put(
      '/items/:code',
      {
        schema: {
          tags: ['attest'],
          summary: 'Save a new version of the item’s rule; the old versions stay as they were',
          security: [{ bearer: [] }],
          params: Code,
          body: Type.Object(
            {
              rule: RuleInput,
              note: Type.Optional(Type.String({ maxLength: 500 })),
              baseVersion: Type.Integer({ minimum: 1, description: 'the version the edit started from' }),
            },
            { additionalProperties: false },
          ),
          response: { 200: ItemView },
        },
      },
      async (request) => {
        const item = await hub.attest.revise(request.actor, request.params.code, request.body);
        return viewOf(await orgNames())(item);
      },
    );

    app.post(
      '/rules/check',
      {
        schema: {
          tags: ['attest'],
          summary: 'Check a rule without saving it: its normalized form and its words, or every problem in words',
          security: [{ bearer: [] }],
          body: Type.Object({ subjectKind: SubjectKindSchema, rule: RuleInput }, { additionalProperties: false }),
          response: { 200: Type.Object({ rule: Type.Unknown(), description: Texts }) },
        },
      },
      async (request) => hub.attest.check(request.actor, request.body.subjectKind as SubjectKind, request.body.rule),
    );

    app.post(
      '/',
      {
        schema: {
          tags: ['attest'],
          summary:
            'Ask whether a subject satisfies a proof item: a signed yes or no with the rule version, never the data',
          security: [{ apiKey: [] }, { bearer: [] }],
          body: Type.Object(
            {
              item: Type.String({ pattern: ITEM_CODE }),
              subject: Type.String({
                minLength: 15,
                maxLength: 18,
                description: 'citizen ID or unified social credit code',
              }),
              purpose: Type.String({
                pattern: PURPOSE_CODE,
                description: 'a registered purpose (GET /api/v1/purposes)',
              }),
              consent: Type.Optional(
                Type.String({ format: 'uuid', description: 'the subject’s consent to the caller' }),
              ),
              legalBasis: Type.Optional(
                Type.String({ minLength: 4, maxLength: 200, description: 'the legal basis the caller asks under' }),
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              id: Type.String(),
              answer: Type.Boolean(),
              item: Type.String(),
              ruleVersion: Type.Integer(),
              issuedAt: Type.String(),
              signature: Type.String({
                description: 'base64: the ledger key’s signature of `statement` (RFC 8785 JSON)',
              }),
              statement: Statement,
            }),
          },
        },
      },
      async (request) => hub.attest.ask(request.actor, request.body),
    );

    app.post(
      '/verify',
      {
        config: { public: true },
        schema: {
          tags: ['attest'],
          summary: 'Check that an attestation’s statement is the hub’s, unchanged (public, no login)',
          body: Type.Object(
            {
              statement: Type.Record(Type.String(), Type.Unknown(), { maxProperties: 20 }),
              signature: Type.String({ minLength: 1, maxLength: 400 }),
            },
            { additionalProperties: true, description: 'the answer as returned; other fields are ignored' },
          ),
          response: { 200: Type.Object({ valid: Type.Boolean() }) },
        },
      },
      async (request) => ({ valid: hub.attest.verify(request.body.statement, request.body.signature) }),
    );

    app.get(
      '/stats',
      {
        schema: {
          tags: ['attest'],
          summary: 'Counters for the cockpit: answers by item, department and asker, and trips saved',
          security: [{ apiKey: [] }, { bearer: [] }],
          querystring: Type.Object({
            since: Type.Optional(Type.String({ format: 'date-time', description: 'count from (default: ever)' })),
          }),
          response: {
            200: Type.Object({
              answered: Type.Integer(),
              yes: Type.Integer(),
              tripsSaved: Type.Integer({ description: '少跑腿: proofs not fetched, one per answer given' }),
              byItem: Type.Array(Type.Object({ ...Stat.properties, yes: Type.Integer() })),
              byDepartment: Type.Array(Stat),
              byAsker: Type.Array(Stat),
            }),
          },
        },
      },
      async (request) => {
        const since = request.query.since === undefined ? undefined : new Date(request.query.since);
        const stats = await hub.attest.stats(request.actor, since);
        const [orgs, items] = await Promise.all([orgNames(), hub.attest.names(stats.byItem.map((i) => i.item))]);
        const named = (code: string) => orgs.get(code) ?? code;
        return {
          ...stats,
          byItem: stats.byItem.map((i) => ({
            code: i.item,
            name: items.get(i.item)?.['zh-CN'] ?? i.item,
            answered: i.answered,
            yes: i.yes,
          })),
          byDepartment: stats.byDepartment.map((d) => ({ code: d.org, name: named(d.org), answered: d.answered })),
          byAsker: stats.byAsker.map((d) => ({ code: d.org, name: named(d.org), answered: d.answered })),
        };
      },
    );
  };
}
