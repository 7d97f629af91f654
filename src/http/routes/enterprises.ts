import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Hub } from '../../hub/index.js';
import { PURPOSE_CODE } from '../../purpose/index.js';
import { created } from '../created.js';

const CreditCode = Type.String({
  minLength: 18,
  maxLength: 18,
  description: 'unified social credit code (统一社会信用代码, GB 32100)',
});
const Username = Type.String({ pattern: '^[a-z][a-z0-9_.-]{1,63}$', description: 'login name of a citizen account' });
const Person = Type.Object({ username: Type.String(), displayName: Type.String() });
const Purposes = Type.Union([Type.Array(Type.Object({ code: Type.String(), name: Type.String() })), Type.Null()], {
  description: 'purposes by code, with the name people read; null: any purpose',
});

const EnterpriseSchema = Type.Object({
  creditCode: Type.String(),
  name: Type.String(),
  representative: Person,
  boundBy: Person,
  boundAt: Type.String(),
  agents: Type.Integer({ description: 'appointments of agents not revoked (expired ones included)' }),
});

const ActingForSchema = Type.Object({
  creditCode: Type.String(),
  name: Type.String(),
  representative: Person,
  as: Type.Union([Type.Literal('representative'), Type.Literal('agent')], {
    description: 'the caller is its legal representative, or an agent the representative appointed',
  }),
  purposes: Purposes,
  until: Type.Union([Type.String(), Type.Null()], {
    description: 'when the caller’s appointment ends; null: never (representative) or until revoked',
  }),
});

const AgentSchema = Type.Object({
  agent: Person,
  purposes: Purposes,
  validUntil: Type.Union([Type.String(), Type.Null()], { description: 'null: until revoked' }),
  expired: Type.Boolean({ description: 'past its end: the agent no longer acts for the enterprise' }),
  appointedBy: Person,
  appointedAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});

const ByCode = Type.Object({ creditCode: CreditCode });

/**
 * Enterprise accounts (#16, the vault): an operator binds an enterprise to its credit code and its
 * legal representative; the representative appoints and revokes agents (经办人) for purposes and
 * until a date; each citizen sees the enterprises they may act for. Authorized and written to the
 * ledger by `hub.enterprises`; how a person may act for one is `hub.access.enterpriseAuthority`.
 */
export function enterpriseRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['enterprise'];
    const security = [{ bearer: [] }];

    app.get(
      '/me/enterprises',
      {
        schema: {
          tags,
          summary: 'My enterprises: those the caller represents or is an appointed agent of, with how',
          security,
          response: { 200: Type.Object({ items: Type.Array(ActingForSchema) }) },
        },
      },
      async (request) => ({ items: await hub.enterprises.mine(request.actor) }),
    );

    app.get(
      '/enterprises',
      {
        schema: {
          tags,
          summary: 'Every enterprise account, with its legal representative (operators)',
          security,
          response: { 200: Type.Object({ items: Type.Array(EnterpriseSchema) }) },
        },
      },
      async (request) => ({ items: await hub.enterprises.list(request.actor) }),
    );

    app.post(
      '/enterprises',
      {
        schema: {
          tags,
          summary: 'Bind an enterprise account to its credit code and legal representative (operators)',
          description:
            'The representative is a citizen account (a citizen ID bound), by username. Binding a bound ' +
            'enterprise again replaces its name and representative; a new representative ends the ' +
            'appointments of the former one’s agents.',
          security,
          body: Type.Object(
            {
              creditCode: CreditCode,
              name: Type.String({ minLength: 1, maxLength: 200 }),
              representative: Username,
            },
            { additionalProperties: false },
          ),
          response: { 201: EnterpriseSchema },
        },
      },
      async (request, reply) => created(reply, await hub.enterprises.bind(request.actor, request.body)),
    );

    app.get(
      '/enterprises/:creditCode/agents',
      {
        schema: {
          tags,
          summary: 'The agents of an enterprise (its legal representative; operators)',
          security,
          params: ByCode,
          response: { 200: Type.Object({ enterprise: EnterpriseSchema, items: Type.Array(AgentSchema) }) },
        },
      },
      async (request) => hub.enterprises.agents(request.actor, request.params.creditCode),
    );

    app.post(
      '/enterprises/:creditCode/agents',
      {
        schema: {
          tags,
          summary: 'Appoint an agent of the enterprise (its legal representative)',
          description:
            'The agent is a citizen account, by username; `purposes` (codes of GET /api/v1/purposes) ' +
            'limit what it may act for, absent or null for any; `validUntil` ends it, absent or null ' +
            'for until revoked. Appointing an agent again replaces the terms.',
          security,
          params: ByCode,
          body: Type.Object(
            {
              username: Username,
              purposes: Type.Optional(
                Type.Union([
                  Type.Array(Type.String({ pattern: PURPOSE_CODE }), { minItems: 1, maxItems: 50, uniqueItems: true }),
                  Type.Null(),
                ]),
              ),
              validUntil: Type.Optional(
                Type.Union([Type.String({ format: 'date-time' }), Type.String({ format: 'date' }), Type.Null()], {
                  description: 'when it ends; a date: the end of that day, China time',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 201: AgentSchema },
        },
      },
      async (request, reply) =>
        created(reply, await hub.enterprises.appoint(request.actor, request.params.creditCode, request.body)),
    );

    app.post(
      '/enterprises/:creditCode/agents/:username/revoke',
      {
        schema: {
          tags,
          summary: 'Revoke an agent of the enterprise (its legal representative)',
          security,
          params: Type.Object({ creditCode: CreditCode, username: Type.String({ minLength: 1, maxLength: 64 }) }),
          response: { 200: AgentSchema },
        },
      },
      async (request) => hub.enterprises.revoke(request.actor, request.params.creditCode, request.params.username),
    );
  };
}
