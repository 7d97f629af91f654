import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ORG_KINDS, ROLES } from '../../access/index.js';
import { PURPOSE_CODE } from '../../purpose/index.js';
import type { Hub } from '../../hub/index.js';
import { countiesOf, findDivision, JINAN } from '../../kernel/index.js';
import { created } from '../created.js';

const Username = Type.String({
  pattern: '^[a-z][a-z0-9_.-]{1,63}$',
  description: 'login name: a–z first, then a–z 0–9 _ . -',
});
const OrgCode = Type.String({ pattern: '^[A-Z0-9]{2,16}$' });
const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
const KindSchema = Type.Union(ORG_KINDS.map((k) => Type.Literal(k)));
const Person = Type.Object({ username: Type.String(), displayName: Type.String() });

const AccountSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  org: Type.Union([Type.Object({ code: Type.String(), name: Type.String(), kind: Type.String() }), Type.Null()]),
  disabled: Type.Boolean(),
  mustChangePassword: Type.Boolean({ description: 'the user must choose a new password at the next login' }),
  citizenBound: Type.Boolean({ description: 'a citizen ID is bound to the account (the ID is not shown)' }),
  officerOf: Type.Array(Type.Object({ org: Type.String(), duty: Type.String() })),
  createdAt: Type.String(),
});

const SetPasswordSchema = Type.Object({
  account: AccountSchema,
  oneTimePassword: Type.Optional(
    Type.String({ description: 'made by the hub when no password was given: shown this once, never again' }),
  ),
});

const OrganizationSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  division: Type.String(),
  divisionName: Type.Union([Type.String(), Type.Null()]),
  creditCode: Type.Union([Type.String(), Type.Null()]),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  parentName: Type.Union([Type.String(), Type.Null()]),
  purposes: Type.Union([Type.Array(Type.String()), Type.Null()], {
    description: 'a third party’s registered consent purposes (GET /api/v1/purposes); null: none',
  }),
  users: Type.Integer(),
  chief: Type.Union([Person, Type.Null()]),
  stewards: Type.Array(Person),
});

const Password = Type.String({ minLength: 1, maxLength: 256 });
const CitizenId = Type.Union([Type.String({ maxLength: 18 }), Type.Null()]);
const DisplayName = Type.String({ minLength: 1, maxLength: 100 });
const OrgName = Type.String({ minLength: 1, maxLength: 100 });
const Division = Type.String({ pattern: '^\\d{6}$' });
const CreditCode = Type.Union([Type.String({ maxLength: 18 }), Type.Null()]);
/** The purposes a third party may ask data subjects to consent to; null or none: it may ask for none. */
const OrgPurposes = Type.Union([
  Type.Array(Type.String({ pattern: PURPOSE_CODE }), { maxItems: 20, uniqueItems: true }),
  Type.Null(),
]);

/** Purpose codes an organization is registered with must be in the purpose registry (422 naming `purposes`). */
async function registered(hub: Hub, purposes: string[] | null | undefined): Promise<void> {
  if (purposes && purposes.length > 0) await hub.purposes.require(purposes, 'purposes');
}

/** Jinan's divisions (the city, then its districts and counties), for choosing an organization's by name. */
function jinanDivisions(): Array<{ code: string; name: string }> {
  const city = findDivision(JINAN);
  return [...(city ? [city] : []), ...countiesOf(JINAN)].map((d) => ({ code: d.code, name: d.name }));
}

/**
 * Account and organization administration for operators (#14): lists with search, new accounts
 * with a one-time password, edits and role changes, password resets; new and edited organizations.
 * Disabling (`/auth/users/{username}/disable`) and officers (`/orgs/{code}/officers`) keep their
 * routes. Each call is authorized and written to the ledger by `hub.authorizedAccess`.
 */
export function adminRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['admin'];
    const security = [{ bearer: [] }];

    app.get(
      '/users',
      {
        schema: {
          tags,
          summary: 'Accounts, searched by user name, display name or organization (operators)',
          security,
          querystring: Type.Object(
            {
              q: Type.Optional(Type.String({ maxLength: 100 })),
              org: Type.Optional(OrgCode),
              role: Type.Optional(RoleSchema),
              disabled: Type.Optional(Type.Boolean()),
              page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
              pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(AccountSchema) }) },
        },
      },
      async (request) => hub.authorizedAccess.users(request.actor, request.query),
    );

    app.post(
      '/users',
      {
        schema: {
          tags,
          summary: 'Create an account (operators); without `password` the hub makes a one-time one, shown once',
          description: 'Either way the user must choose their own password at the first login.',
          security,
          body: Type.Object(
            {
              username: Username,
              displayName: DisplayName,
              orgCode: Type.Optional(Type.Union([OrgCode, Type.Null()])),
              roles: Type.Array(RoleSchema, { minItems: 1, maxItems: ROLES.length, uniqueItems: true }),
              citizenId: Type.Optional(CitizenId),
              password: Type.Optional(Password),
            },
            { additionalProperties: false },
          ),
          response: { 201: SetPasswordSchema },
        },
      },
      async (request, reply) => created(reply, await hub.authorizedAccess.createUser(request.actor, request.body)),
    );

    app.patch(
      '/users/:username',
      {
        schema: {
          tags,
          summary: "Change an account's display name, organization, roles or citizen ID binding (operators)",
          description: 'Roles and organization act at the next request of every session of the user.',
          security,
          params: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) }),
          body: Type.Object(
            {
              displayName: Type.Optional(DisplayName),
              orgCode: Type.Optional(Type.Union([OrgCode, Type.Null()])),
              roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1, maxItems: ROLES.length, uniqueItems: true })),
              citizenId: Type.Optional(CitizenId),
            },
            { additionalProperties: false },
          ),
          response: { 200: AccountSchema },
        },
      },
      async (request) => hub.authorizedAccess.editUser(request.actor, request.params.username, request.body),
    );

    app.post(
      '/users/:username/reset-password',
      {
        schema: {
          tags,
          summary: "Reset a user's password (operators): every session ends; the user must change it at the next login",
          description: 'Without `password` the hub makes a one-time password and answers it this once.',
          security,
          params: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) }),
          body: Type.Object({ password: Type.Optional(Password) }, { additionalProperties: false }),
          response: { 200: SetPasswordSchema },
        },
      },
      async (request) =>
        hub.authorizedAccess.resetPassword(request.actor, request.params.username, request.body.password),
    );

    app.get(
      '/orgs',
      {
        schema: {
          tags,
          summary: 'Organizations with their parent, division, number of accounts and data officers (operators)',
          security,
          querystring: Type.Object(
            { q: Type.Optional(Type.String({ maxLength: 100 })), kind: Type.Optional(KindSchema) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(OrganizationSchema),
              divisions: Type.Array(Type.Object({ code: Type.String(), name: Type.String() }), {
                description: "Jinan's divisions, to choose an organization's from",
              }),
            }),
          },
        },
      },
      async (request) => ({
        items: await hub.authorizedAccess.organizationRows(request.actor, request.query),
        divisions: jinanDivisions(),
      }),
    );

    app.post(
      '/orgs',
      {
        schema: {
          tags,
          summary: 'Create an organization (operators)',
          security,
          body: Type.Object(
            {
              code: OrgCode,
              name: OrgName,
              kind: KindSchema,
              division: Division,
              parentCode: Type.Optional(Type.Union([OrgCode, Type.Null()])),
              creditCode: Type.Optional(CreditCode),
              purposes: Type.Optional(OrgPurposes),
            },
            { additionalProperties: false },
          ),
          response: { 201: OrganizationSchema },
        },
      },
      async (request, reply) => {
        await registered(hub, request.body.purposes);
        return created(reply, await hub.authorizedAccess.createOrganization(request.actor, request.body));
      },
    );

    app.patch(
      '/orgs/:code',
      {
        schema: {
          tags,
          summary: "Change an organization's name, kind, division, parent or credit code (operators); its code stays",
          security,
          params: Type.Object({ code: OrgCode }),
          body: Type.Object(
            {
              name: Type.Optional(OrgName),
              kind: Type.Optional(KindSchema),
              division: Type.Optional(Division),
              parentCode: Type.Optional(Type.Union([OrgCode, Type.Null()])),
              creditCode: Type.Optional(CreditCode),
              purposes: Type.Optional(OrgPurposes),
            },
            { additionalProperties: false },
          ),
          response: { 200: OrganizationSchema },
        },
      },
      async (request) => {
        await registered(hub, request.body.purposes);
        return hub.authorizedAccess.editOrganization(request.actor, request.params.code, request.body);
      },
    );
  };
}
