import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Hub } from '../../hub/index.js';
import { created } from '../created.js';
import { openCredentialOf, requireActor } from '../auth.js';
import { IdParams } from '../schemas.js';

const Developer = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  email: Type.String(),
  createdAt: Type.String(),
});
const Limit = Type.Object({ perMinute: Type.Integer(), perDay: Type.Integer() });
const ApiKey = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String({ description: 'the first characters of the secret, to tell keys apart' }),
  perMinute: Type.Integer(),
  perDay: Type.Integer(),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  used: Type.Object(
    { minute: Type.Integer(), day: Type.Integer() },
    { description: 'calls counted in the current minute and China day' },
  ),
});
const Session = Type.Object({
  developer: Developer,
  token: Type.String({ description: 'the developer session: send it as `Authorization: Bearer <token>`' }),
});
const Text = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });
const Application = Type.Object({
  id: Type.Integer(),
  developer: Type.Integer(),
  dataset: Type.Object({ name: Type.String(), code: Type.String() }),
  provider: Type.String({ description: 'the providing organization, by code' }),
  purpose: Type.String(),
  use: Type.String(),
  security: Type.String(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('refused')]),
  terms: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
const ConditionalDataset = Type.Object({
  name: Type.String(),
  code: Type.String(),
  title: Type.String(),
  summary: Type.String(),
  provider: Type.Object({ code: Type.String(), name: Type.String() }),
  updateFrequency: Type.String(),
  fields: Type.Array(Type.Object({ name: Type.String(), label: Type.String() }), {
    description: 'the fields an approved applicant would see (the public field rules apply)',
  }),
});
const Rating = Type.Object({
  id: Type.Integer(),
  author: Type.String({ description: 'the developer’s name as they gave it' }),
  rating: Type.Integer({ minimum: 1, maximum: 5 }),
  comment: Type.String(),
  createdAt: Type.String(),
  answer: Type.Union([Type.String(), Type.Null()], { description: 'the provider’s public answer' }),
  answeredAt: Type.Union([Type.String(), Type.Null()]),
});
const CommentState = Type.Union([Type.Literal('pending'), Type.Literal('published'), Type.Literal('rejected')], {
  description:
    'the comment’s review (先审后发): pending until an operator publishes or rejects it; an empty one is published',
});
const OwnRating = Type.Intersect([
  Rating,
  Type.Object({
    dataset: Type.String({ description: 'the dataset’s name' }),
    title: Type.String({ description: 'its title; its name when it is no longer open' }),
    state: CommentState,
    reason: Type.Union([Type.String(), Type.Null()], { description: 'rejected: why, for the author only' }),
  }),
]);
const PendingComment = Type.Object({
  id: Type.Integer(),
  dataset: Type.String({ description: 'the rated dataset’s code' }),
  title: Type.String(),
  author: Type.String({ description: 'the developer’s name as they gave it' }),
  rating: Type.Integer({ minimum: 1, maximum: 5 }),
  comment: Type.String(),
  createdAt: Type.String(),
});
const Email = Type.String({ format: 'email', maxLength: 254 });
const Password = Type.String({ minLength: 1, maxLength: 200 });
const tags = ['open'];
/** The hub's own users (the providers' officers, operators): their token or API key. */
const hubSecurity: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];

/**
 * The portal's developer centre (开发者中心, docs/open.md): public sign-up and sign-in of developer
 * accounts — not hub users — and their API keys. Public routes in the hub's policy: each checks
 * the developer session it needs itself (Developers.session), and a developer reaches nothing
 * but their own account and keys.
 */
export function openDeveloperRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    const developerOf = (request: FastifyRequest) => hub.developers.session(openCredentialOf(request));

    app.post(
      '/developers',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Sign up for a developer account of the open-data portal (public)',
          body: Type.Object(
            { name: Type.String({ minLength: 1, maxLength: 100 }), email: Email, password: Password },
            { additionalProperties: false },
          ),
          response: { 201: Session },
        },
      },
      async (request, reply) => created(reply, await hub.developers.register(request.body)),
    );

    app.post(
      '/developers/login',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Sign in to the developer centre (public; failures slow down with 429)',
          body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
          response: { 200: Session },
        },
      },
      async (request) => hub.developers.login(request.body.email, request.body.password),
    );

    app.post(
      '/developers/logout',
      {
        config: { public: true },
        schema: { tags, summary: 'End the developer session', response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        await developerOf(request);
        await hub.developers.logout(openCredentialOf(request)!);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/developers/me',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            'The signed-in developer (Authorization: Bearer <developer session>), their API keys with the calls counted today, and the limits',
          response: {
            200: Type.Object({
              developer: Developer,
              keys: Type.Array(ApiKey),
              limits: Type.Object({ key: Limit, anonymous: Limit }),
            }),
          },
        },
      },
      async (request) => {
        const developer = await developerOf(request);
        return { developer, keys: await hub.developers.keys(developer), limits: hub.developers.defaultLimits };
      },
    );

    app.post(
      '/developers/me/keys',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Make an API key: its secret is in this answer only (send it as X-API-Key or Authorization)',
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
          response: { 201: Type.Object({ key: ApiKey, secret: Type.String() }) },
        },
      },
      async (request, reply) => {
        const developer = await developerOf(request);
        return created(reply, await hub.developers.createKey(developer, request.body.name));
      },
    );

    app.delete(
      '/developers/me/keys/:id',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Revoke an API key: calls with it are refused from now on',
          params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }),
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        const developer = await developerOf(request);
        await hub.developers.revokeKey(developer, request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/conditional-datasets',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            'The published conditional open (有条件开放) datasets: their metadata only, never records — to apply for (public)',
          querystring: Type.Object({
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          }),
          response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(ConditionalDataset) }) },
        },
      },
      async (request) => {
        const { items, total } = await hub.open.searchConditional(
          request.query.offset ?? 0,
          request.query.limit ?? 100,
        );
        return {
          total,
          items: items.map((ds) => ({
            name: ds.name,
            code: ds.code,
            title: ds.resource.name,
            summary: ds.resource.summary,
            provider: ds.resource.provider,
            updateFrequency: ds.resource.updateFrequency,
            fields: ds.open.fields.map((f) => ({ name: f.name, label: f.label })),
          })),
        };
      },
    );

    app.get(
      '/developers/me/applications',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'The signed-in developer’s applications for conditional open data, with the providers’ answers',
          response: { 200: Type.Array(Application) },
        },
      },
      async (request) => hub.conditional.mine(await developerOf(request)),
    );

    app.post(
      '/developers/me/applications',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            'Apply for a conditional open dataset: purpose, use and security measures, for its provider to answer',
          body: Type.Object(
            {
              dataset: Type.String({ minLength: 1, maxLength: 100, description: 'its name, e.g. jngaj-0007' }),
              purpose: Text(2000, 'why the data is needed'),
              use: Text(2000, 'how it will be used, by whom, and what will be published from it'),
              security: Text(2000, 'how it will be kept safe'),
            },
            { additionalProperties: false },
          ),
          response: { 201: Application },
        },
      },
      async (request, reply) => created(reply, await hub.conditional.apply(await developerOf(request), request.body)),
    );

    app.get(
      '/applications',
      {
        schema: {
          security: hubSecurity,
          tags,
          summary:
            'Applications for the caller’s organization’s conditional open datasets (every one for an operator), newest first',
          querystring: Type.Object({
            state: Type.Optional(
              Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('refused')]),
            ),
          }),
          response: {
            200: Type.Array(
              Type.Intersect([
                Application,
                Type.Object({ applicant: Type.Object({ name: Type.String(), email: Type.String() }) }),
              ]),
            ),
          },
        },
      },
      async (request) => hub.conditional.forProvider(requireActor(request), request.query.state),
    );

    app.post(
      '/applications/:id/decision',
      {
        schema: {
          security: hubSecurity,
          tags,
          summary:
            'The provider’s answer: approve with terms and an expiry, or refuse with a reason (`resource` is the application’s dataset code)',
          params: IdParams,
          body: Type.Union([
            Type.Object(
              {
                resource: Type.String({ maxLength: 40 }),
                approve: Type.Literal(true),
                terms: Text(2000, 'the terms of use the applicant agrees to'),
                expiresAt: Type.String({ format: 'date-time', description: 'when the approval ends' }),
              },
              { additionalProperties: false },
            ),
            Type.Object(
              {
                resource: Type.String({ maxLength: 40 }),
                approve: Type.Literal(false),
                reason: Text(2000, 'why it is refused, shown to the applicant'),
              },
              { additionalProperties: false },
            ),
          ]),
          response: { 200: Application },
        },
      },
      async (request) =>
        hub.conditional.decide(requireActor(request), request.params.id, request.body.resource, request.body),
    );

    app.get(
      '/datasets/:name/ratings',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'An open dataset’s ratings and comments (好差评) with the provider’s answers, newest first (public)',
          params: Type.Object({ name: Type.String({ pattern: '^[a-z0-9]{2,20}-\\d{1,10}$' }) }),
          response: {
            200: Type.Object({
              average: Type.Union([Type.Number(), Type.Null()]),
              count: Type.Integer(),
              items: Type.Array(Rating),
            }),
          },
        },
      },
      async (request) => hub.feedback.of(request.params.name),
    );

    app.post(
      '/developers/me/ratings',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            'Rate an open dataset 1–5 with a comment (one per developer and dataset; again replaces it). The number counts at once; a comment is shown once an operator has published it',
          body: Type.Object(
            {
              dataset: Type.String({ minLength: 1, maxLength: 100 }),
              rating: Type.Integer({ minimum: 1, maximum: 5 }),
              comment: Type.String({ maxLength: 2000 }),
            },
            { additionalProperties: false },
          ),
          response: { 201: Rating },
        },
      },
      async (request, reply) => created(reply, await hub.feedback.rate(await developerOf(request), request.body)),
    );

    app.get(
      '/developers/me/ratings',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'The developer’s own ratings, newest first, each comment’s review state (and why it was rejected)',
          response: { 200: Type.Array(OwnRating) },
        },
      },
      async (request) => hub.feedback.mine(await developerOf(request)),
    );

    app.get(
      '/comments',
      {
        schema: {
          security: hubSecurity,
          tags,
          summary: 'Rating comments waiting for review (先审后发), oldest first (the platform’s operators)',
          response: { 200: Type.Array(PendingComment) },
        },
      },
      async (request) => hub.feedback.pending(requireActor(request)),
    );

    app.post(
      '/comments/:id/moderation',
      {
        schema: {
          security: hubSecurity,
          tags,
          summary:
            'An operator publishes a rating’s comment, or rejects it with a reason its author reads; on the ledger (open.comment.moderated)',
          params: IdParams,
          body: Type.Union([
            Type.Object({ approve: Type.Literal(true) }, { additionalProperties: false }),
            Type.Object(
              { approve: Type.Literal(false), reason: Text(500, 'why it is not published, shown to its author only') },
              { additionalProperties: false },
            ),
          ]),
          response: { 200: OwnRating },
        },
      },
      async (request) => hub.feedback.moderate(requireActor(request), request.params.id, request.body),
    );

    app.get(
      '/ratings',
      {
        schema: {
          security: hubSecurity,
          tags,
          summary:
            'Ratings of the caller’s organization’s open datasets (every one for an operator) whose comment is published or empty, unanswered first',
          response: { 200: Type.Array(Type.Intersect([Rating, Type.Object({ dataset: Type.String() })])) },
        },
      },
      async (request) => hub.feedback.forProvider(requireActor(request)),
    );

    app.post(
      '/ratings/:id/answer',
      {
        schema: {
          security: hubSecurity,
          tags,
          summary:
            'The provider’s public answer to a rating whose comment is published or empty (`resource` is the rated dataset’s code)',
          params: IdParams,
          body: Type.Object(
            { resource: Type.String({ maxLength: 40 }), answer: Text(2000, 'shown under the comment') },
            { additionalProperties: false },
          ),
          response: { 200: Rating },
        },
      },
      async (request) =>
        hub.feedback.answer(requireActor(request), request.params.id, request.body.resource, request.body.answer),
    );
  };
}
