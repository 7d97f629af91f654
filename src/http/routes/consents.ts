import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DECISIONS,
  NarrowingSchema,
  StatusSchema,
  SubjectKindSchema,
  TermsSchema,
  maskedSubject,
  statusAt,
  type ConsentRow,
  type Decision,
  type SubjectKind,
} from '../../consent/index.js';
import { showKey } from '../../base/index.js';
import type { Hub } from '../../hub/index.js';
import { HubError, invalid, isCitizenId, msg } from '../../kernel/index.js';
import { PURPOSE_CODE } from '../../purpose/index.js';
import { created } from '../created.js';
import { PurposeRef } from './purposes.js';

const Named = Type.Object({ code: Type.String(), name: Type.String() });
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
/** Subjects in one bulk request. */
const MAX_BULK = 500;

const ConsentView = Type.Object({
  id: Type.String(),
  status: StatusSchema,
  requester: Named,
  subject: Type.Object({
    kind: SubjectKindSchema,
    id: Type.String({ description: 'the citizen ID or credit code, masked' }),
    name: Type.Union([Type.String(), Type.Null()], {
      description: 'an enterprise’s name where it has an enterprise account; null for a person',
    }),
  }),
  purpose: PurposeRef,
  terms: TermsSchema,
  requested: TermsSchema,
  resources: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      fields: Type.Array(Type.Object({ name: Type.String(), label: Type.String() })),
    }),
    { description: 'names of the requested resources and fields' },
  ),
  version: Type.Integer(),
  signature: Type.String({ description: 'the hub’s signature of this version of the consent artefact' }),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const RequestBody = Type.Object(
  {
    subject: Type.Union([
      Type.Object(
        {
          kind: SubjectKindSchema,
          id: Type.String({ minLength: 15, maxLength: 18, description: 'citizen ID or unified social credit code' }),
        },
        { additionalProperties: false },
      ),
      Type.String({
        minLength: 15,
        maxLength: 18,
        description: 'the ID alone: a citizen ID (a person) or else a unified social credit code (an enterprise)',
      }),
    ]),
    purpose: Type.String({ pattern: PURPOSE_CODE, description: 'a registered purpose (GET /api/v1/purposes)' }),
    data: TermsSchema.properties.data,
    startsAt: Type.Optional(Type.String({ format: 'date-time', description: 'default: now' })),
    expiresAt: TermsSchema.properties.expiresAt,
    fetchType: TermsSchema.properties.fetchType,
    frequency: Type.Optional(TermsSchema.properties.frequency),
    dataLifeDays: TermsSchema.properties.dataLifeDays,
    range: Type.Optional(TermsSchema.properties.range),
  },
  { additionalProperties: false },
);
type RequestInput = Static<typeof RequestBody>;

/**
 * 授权 (#16, docs/consent.md): a third party requests a data subject's consent, the subject
 * approves (perhaps narrowed), rejects, pauses, resumes or revokes it, and the third party
 * fetches with the consent's id — each fetch re-checked, counted and on the ledger.
 */
export function consentRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  const view = viewer(hub);
  return async (app) => {
    // Here only (a plugin's parsers are its own): a decision sent as JSON with no body at all is
    // an empty decision, as without a content type, not a malformed request.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
      body === '' ? done(null, undefined) : parseJson(request, body as string, done),
    );
    app.post(
      '/',
      {
        schema: {
          tags: ['consent'],
          summary: 'A third party requests a data subject’s consent; pending until the subject decides',
          security: [{ apiKey: [] }, { bearer: [] }],
          body: RequestBody,
          response: { 201: Type.Object({ id: Type.String(), status: Type.String() }) },
        },
      },
      async (request, reply) => {
        const row = await hub.consents.request(request.actor, requestOf(request.body));
        return created(reply, { id: row.id, status: row.status });
      },
    );

    app.post(
      '/bulk',
      {
        schema: {
          tags: ['consent'],
          summary: 'The same request to many subjects at once; each answered apart (an invalid ID fails alone)',
          security: [{ apiKey: [] }, { bearer: [] }],
          body: Type.Object(
            {
              subjects: Type.Array(RequestBody.properties.subject, { minItems: 1, maxItems: MAX_BULK }),
              request: Type.Omit(RequestBody, ['subject']),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({
              items: Type.Array(
                Type.Object({
                  subject: Type.String({ description: 'the ID as given, a citizen ID masked' }),
                  id: Type.Union([Type.String(), Type.Null()]),
                  status: Type.Union([Type.String(), Type.Null()]),
                  error: Type.Union([Type.String(), Type.Null()], { description: 'why this one was not filed' }),
                }),
              ),
            }),
          },
        },
      },
      async (request, reply) => {
        const items = [];
        for (const subject of request.body.subjects) {
          // Masked by the base's one rule for subject keys (a citizen ID masked, a credit code not).
          const { kind, id } = subjectOf(subject);
          const shown = showKey(kind, id, 'masked');
          try {
            const row = await hub.consents.request(request.actor, requestOf({ ...request.body.request, subject }));
            items.push({ subject: shown, id: row.id, status: row.status, error: null });
          } catch (e) {
            // One subject's bad ID or the like fails alone; not being allowed at all fails the whole call.
            if (!(e instanceof HubError) || e.status === 401 || e.status === 403 || e.status >= 500) throw e;
            items.push({ subject: shown, id: null, status: null, error: e.code });
          }
        }
        return created(reply, { items });
      },
    );

    app.get(
      '/',
      {
        schema: {
          tags: ['consent'],
          summary: 'Consents of the caller as data subject, as requester, or all (operators, auditors); newest first',
          security: [{ apiKey: [] }, { bearer: [] }],
          querystring: Type.Object({
            role: Type.Union([Type.Literal('subject'), Type.Literal('requester'), Type.Literal('all')], {
              default: 'subject',
            }),
            status: Type.Optional(StatusSchema),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            before: Type.Optional(
              Type.String({ pattern: '^[0-9]{1,18}$', description: 'the `next` of the last page' }),
            ),
          }),
          response: {
            200: Type.Object({ items: Type.Array(ConsentView), next: Type.Union([Type.String(), Type.Null()]) }),
          },
        },
      },
      async (request) => {
        const { role, ...page } = request.query;
        const found = await hub.consents.list(request.actor, role, page);
        return { items: await Promise.all(found.items.map(view)), next: found.next };
      },
    );

    app.get(
      '/:id',
      {
        schema: {
          tags: ['consent'],
          summary: 'One consent, to its requester, its subject, operators and auditors',
          security: [{ apiKey: [] }, { bearer: [] }],
          params: Id,
          response: { 200: ConsentView },
        },
      },
      async (request) => view(await hub.consents.get(request.actor, request.params.id)),
    );

    for (const decision of Object.keys(DECISIONS) as Decision[]) {
      app.post(
        `/:id/${decision}`,
        {
          schema: {
            tags: ['consent'],
            summary: SUMMARIES[decision],
            security: [{ bearer: [] }],
            params: Id,
            body: decision === 'approve' ? NarrowingSchema : Type.Object({}),
            response: { 200: ConsentView },
          },
          // A decision is usually posted without a body: that is an empty one, not a malformed one.
          preValidation: async (request) => void (request.body ??= {}),
        },
        async (request) => {
          const narrowing = decision === 'approve' ? (request.body as Static<typeof NarrowingSchema>) : undefined;
          return view(await hub.consents.decide(request.actor, request.params.id, decision, narrowing));
        },
      );
    }

    app.get(
      '/:id/data',
      {
        schema: {
          tags: ['consent'],
          summary:
            'The requester’s fetch: the consented fields of the consented period, re-checked and counted each time',
          security: [{ apiKey: [] }, { bearer: [] }],
          params: Id,
          response: {
            200: Type.Object({
              consent: Type.String(),
              purpose: Type.String(),
              keepUntil: Type.String({ description: 'until when the data may be kept (the consent’s data life)' }),
              items: Type.Array(
                Type.Object({
                  resource: Type.String(),
                  fields: Type.Array(Type.String()),
                  record: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
                  missing: Type.Union([Type.Literal('not_found'), Type.Literal('out_of_range'), Type.Null()]),
                }),
              ),
            }),
          },
        },
      },
      async (request) => hub.consents.fetch(request.actor, request.params.id),
    );
  };
}

const SUMMARIES: Record<Decision, string> = {
  approve: 'The subject approves a pending consent, optionally narrowed (fewer fields, earlier expiry, fewer fetches)',
  reject: 'The subject rejects a pending consent',
  pause: 'The subject pauses an active consent: fetches are refused until it is resumed',
  resume: 'The subject resumes a paused consent',
  revoke: 'The subject revokes a consent for good: the next fetch in any hub process is refused',
};

function requestOf(body: RequestInput) {
  const { subject, purpose, frequency, range, ...terms } = body;
  if (terms.fetchType === 'periodic' && !frequency) throw invalid('frequency', msg('consent.frequencyRequired'));
  return {
    subject: subjectOf(subject),
    purpose,
    terms: { ...terms, frequency: frequency ?? null, range: range ?? null },
  };
}

/** A subject given by its ID alone is a person when the ID is a citizen ID, else an enterprise. */
function subjectOf(subject: RequestInput['subject']): { kind: SubjectKind; id: string } {
  if (typeof subject !== 'string') return subject;
  return { kind: isCitizenId(subject.trim()) ? 'person' : 'legal_entity', id: subject };
}

/** Whose data: masked, and an enterprise by its name (a person's name is not the requester's to see). */
async function subjectView(hub: Hub, row: ConsentRow) {
  const key = await hub.consents.consents.keyOf(row);
  const firm = row.subject_kind === 'legal_entity' ? await hub.access.enterprises.find(key) : undefined;
  return { kind: row.subject_kind, id: maskedSubject(row, key), name: firm?.name ?? null };
}

/** A consent as people read it: names beside codes, the subject's ID masked, the status as of now. */
function viewer(hub: Hub) {
  return async (row: ConsentRow): Promise<Static<typeof ConsentView>> => {
    const [org, purpose, resources] = await Promise.all([
      hub.access.findOrganization(row.requester_org),
      hub.purposes.find(row.purpose),
      Promise.all(row.requested.data.map((d) => hub.catalog.get(d.resource).catch(() => undefined))),
    ]);
    return {
      id: row.id,
      status: statusAt(row.status, row.expires_at, new Date()),
      requester: { code: row.requester_org, name: org?.name ?? row.requester_org },
      subject: await subjectView(hub, row),
      purpose: { code: row.purpose, name: purpose?.name ?? row.purpose },
      terms: row.terms,
      requested: row.requested,
      resources: row.requested.data.map((d, i) => {
        const resource = resources[i];
        const label = (f: string) => resource?.fields.find((rf) => rf.name === f)?.label ?? f;
        return {
          code: d.resource,
          name: resource?.name ?? d.resource,
          fields: d.fields.map((f) => ({ name: f, label: label(f) })),
        };
      }),
      version: row.version,
      signature: row.signature,
      decidedBy: row.decided_by,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  };
}
