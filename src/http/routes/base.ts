import { Type, type TSchema } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../schemas.js';
import { BASE_KINDS, OPS, type Predicate } from '../../base/index.js';
import { literals } from '../../catalog/index.js';
import type { Hub } from '../../hub/index.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Kind = literals(BASE_KINDS);
const States = literals(['open', 'resolved', 'dismissed', 'superseded'] as const);
const ElementCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' });
const LabelCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' });
const Paging = {
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
};
const Origin = Type.Object({
  provider: Type.String(),
  resource: Type.String(),
  job: Type.String(),
  row: Type.Integer(),
});
const Sourced = Type.Object({ value: Type.Unknown(), origin: Origin });

const SubjectSchema = Type.Object({
  kind: Kind,
  key: Type.String(),
  elements: Type.Array(
    Type.Object({
      element: Type.String(),
      name: Type.String(),
      value: Type.Unknown(),
      masked: Type.Boolean(),
      origin: Origin,
      providerName: Type.String(),
      authoritative: Type.Boolean({ description: 'from the declared source of record (一数一源)' }),
      valid: Type.Boolean(),
      invalidReason: Nullable(Type.String()),
      confirmations: Type.Integer({ description: 'other providers reporting the same value' }),
      keptByConflict: Nullable(Type.Integer({ description: 'a reviewer kept this value over the authority’s' })),
      openConflicts: Type.Array(Type.Object({ id: Type.Integer(), value: Type.Unknown(), origin: Origin })),
    }),
  ),
  labels: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
});

const ConflictSchema = Type.Object({
  id: Type.Integer(),
  kind: Kind,
  subject: Type.String({ description: 'masked' }),
  element: Type.String(),
  elementName: Type.String(),
  authoritative: Sourced,
  other: Sourced,
  state: States,
  kept: Nullable(literals(['authoritative', 'other'] as const)),
  note: Nullable(Type.String()),
  resolvedBy: Nullable(Type.String()),
  resolvedAt: Nullable(Type.String()),
  createdAt: Type.String(),
});

const LabelSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: Kind,
  rule: Type.Unknown(),
  description: Type.String(),
  members: Type.Integer(),
});

const Tally = { values: Type.Integer(), accurate: Type.Integer(), rate: Nullable(Type.Number()) };
const AccuracySchema = Type.Object({
  target: Type.Number(),
  overall: Type.Object(Tally),
  bases: Type.Array(Type.Object({ kind: Kind, ...Tally })),
  elements: Type.Array(
    Type.Object({
      kind: Kind,
      element: Type.String(),
      name: Type.String(),
      ...Tally,
      invalid: Type.Integer(),
      unconfirmed: Type.Integer(),
      disputed: Type.Integer(),
      confirmed: Type.Integer(),
    }),
  ),
  providers: Type.Array(
    Type.Object({
      kind: Kind,
      provider: Type.String(),
      observations: Type.Integer(),
      agreeing: Type.Integer(),
      rate: Nullable(Type.Number()),
    }),
  ),
});

const OverviewSchema = Type.Object({
  bases: Type.Array(
    Type.Object({
      kind: Kind,
      name: Type.String(),
      subjects: Type.Integer(),
      values: Type.Integer(),
      observations: Type.Integer(),
    }),
  ),
  labels: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), kind: Kind, members: Type.Integer() })),
  conflicts: Type.Object({
    open: Type.Integer(),
    resolved: Type.Integer(),
    dismissed: Type.Integer(),
    superseded: Type.Integer(),
  }),
  absorptions: Type.Array(
    Type.Object({
      job: Type.String(),
      resource: Type.String(),
      kind: Kind,
      subjects: Type.Integer(),
      values: Type.Integer(),
      conflicts: Type.Integer(),
      at: Type.String(),
    }),
  ),
});

const AuthoritySchema = Type.Object({
  kind: Kind,
  element: Type.String(),
  elementName: Type.String(),
  provider: Type.String(),
  providerName: Type.String(),
  updatedBy: Type.String(),
  updatedAt: Type.String(),
});

const Note = Type.String({ minLength: 1, maxLength: 500 });
const tags = ['base'];
const security = [{ bearer: [] }];

/** 聚: the base databases — subjects, labels, conflicts, authority, accuracy. */
export function baseRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/:kind/subjects/:key',
      {
        schema: {
          tags,
          security,
          summary: 'One subject merged from every provider: each value with its origin, authority and open conflicts',
          description:
            'Operators and auditors see sensitive elements masked; a citizen may read their own person subject, ' +
            'unmasked. Every read, and every refusal, is on the ledger.',
          params: Type.Object({ kind: Kind, key: Type.String({ minLength: 15, maxLength: 18 }) }),
          querystring: Type.Object({ purpose: Type.Optional(Type.String({ minLength: 2, maxLength: 200 })) }),
          response: { 200: SubjectSchema },
        },
      },
      async (request) =>
        hub.base.subject(request.params.kind, request.params.key, request.actor, request.query.purpose),
    );

    app.get(
      '/labels',
      {
        schema: {
          tags,
          security,
          summary: 'Labels (数字画像) with their rules and member counts',
          response: { 200: Type.Object({ items: Type.Array(LabelSchema) }) },
        },
      },
      async (request) => ({ items: await hub.base.labels(request.actor) }),
    );

    app.put(
      '/labels/:code',
      {
        schema: {
          tags,
          security,
          summary: 'Declare or replace a label rule (operators); the base is labelled by it at once',
          description: `A predicate: { all | any: [...] }, { not: p }, { label: code }, or { element, op, value } with op one of ${OPS.join(', ')}.`,
          params: Type.Object({ code: LabelCode }),
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 50 }),
              kind: Kind,
              rule: Type.Object({}, { additionalProperties: true, description: 'checked by the label language' }),
              description: Type.Optional(Type.String({ maxLength: 500 })),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request) =>
        hub.base.defineLabel(request.actor, {
          code: request.params.code,
          name: request.body.name,
          kind: request.body.kind,
          rule: request.body.rule as Predicate,
          description: request.body.description ?? '',
        }),
    );

    app.get(
      '/labels/:code/members',
      {
        schema: {
          tags,
          security,
          summary: 'A page of a label’s members (keys and names masked); on the ledger',
          params: Type.Object({ code: LabelCode }),
          querystring: Type.Object(Paging),
          response: {
            200: Type.Object({
              items: Type.Array(Type.Object({ key: Type.String(), name: Type.Unknown() })),
              total: Type.Integer(),
              page: Type.Integer(),
              pageSize: Type.Integer(),
            }),
          },
        },
      },
      async (request) =>
        hub.base.members(request.params.code, request.query.page, request.actor, request.query.pageSize),
    );

    app.get(
      '/conflicts',
      {
        schema: {
          tags,
          security,
          summary: 'Conflicts between providers for review (subjects masked); on the ledger',
          querystring: Type.Object({
            state: Type.Optional(States),
            kind: Type.Optional(Kind),
            element: Type.Optional(ElementCode),
            ...Paging,
          }),
          response: {
            200: Type.Object({
              items: Type.Array(ConflictSchema),
              total: Type.Integer(),
              page: Type.Integer(),
              pageSize: Type.Integer(),
            }),
          },
        },
      },
      async (request) => {
        const { state, kind, element, page, pageSize } = request.query;
        return hub.base.conflicts(
          { page, pageSize, ...(state ? { state } : {}), ...(kind ? { kind } : {}), ...(element ? { element } : {}) },
          request.actor,
        );
      },
    );

    app.post(
      '/conflicts/:id/resolve',
      {
        schema: {
          tags,
          security,
          summary: 'Keep the authoritative or the other value (operators); keeping the other makes it the base’s value',
          params: IdParams,
          body: Type.Object(
            { keep: literals(['authoritative', 'other'] as const), note: Note },
            { additionalProperties: false },
          ),
          response: { 200: ConflictSchema },
        },
      },
      async (request) => hub.base.resolve(request.params.id, request.actor, request.body),
    );

    app.post(
      '/conflicts/:id/dismiss',
      {
        schema: {
          tags,
          security,
          summary: 'Dismiss a conflict without choosing (operators), e.g. both values are right in their context',
          params: IdParams,
          body: Type.Object({ note: Note }, { additionalProperties: false }),
          response: { 200: ConflictSchema },
        },
      },
      async (request) => hub.base.resolve(request.params.id, request.actor, { dismiss: true, note: request.body.note }),
    );

    app.get(
      '/authority',
      {
        schema: {
          tags,
          security,
          summary: '一数一源: the source of record of each element of each base',
          response: { 200: Type.Object({ items: Type.Array(AuthoritySchema) }) },
        },
      },
      async (request) => ({ items: await hub.base.authorities(request.actor) }),
    );

    app.put(
      '/authority',
      {
        schema: {
          tags,
          security,
          summary: 'Name (or, with null, clear) the source of record of one element (operators); values are recomputed',
          body: Type.Object(
            { kind: Kind, element: ElementCode, provider: Nullable(Type.String({ pattern: '^[A-Z0-9]{2,16}$' })) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(AuthoritySchema) }) },
        },
      },
      async (request) => {
        await hub.base.setAuthority(request.actor, request.body);
        return { items: await hub.base.authorities(request.actor) };
      },
    );

    app.get(
      '/accuracy',
      {
        schema: {
          tags,
          security,
          summary: 'Field accuracy (字段准确率) per element, per base and overall, against the 90 % target',
          response: { 200: AccuracySchema },
        },
      },
      async (request) => hub.base.accuracy(request.actor),
    );

    app.get(
      '/overview',
      {
        schema: {
          tags,
          security,
          summary: 'Counts of subjects, values, labels and conflicts, and the latest absorbed loads',
          response: { 200: OverviewSchema },
        },
      },
      async (request) => hub.base.overview(request.actor),
    );
  };
}
