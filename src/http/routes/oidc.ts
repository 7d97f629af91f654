import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OidcLogin } from '../../access/index.js';
import type { Hub } from '../../hub/index.js';
import { HubError } from '../../kernel/index.js';
import { LoginAnswerSchema, remembered, sourceOf } from './auth.js';

/**
 * The browser's login in progress (state, nonce, PKCE verifier, sealed: src/access/oidc-flow.ts).
 * SameSite=Lax, not Strict: the provider's redirect back is a navigation from another site, and a
 * Strict cookie would not come with it. Only the OIDC routes see it.
 */
const FLOW_COOKIE = 'qdh_oidc';
const FLOW_PATH = '/api/v1/auth/oidc';
/** The web app's login page, which trades the one-time code for a token (web/src/auth/oidc-login.tsx). */
const LOGIN_PAGE = '/login';

/** Login through the unified identity (docs/oidc.md): every route public, as the password login is. */
export function oidcRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/oidc',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Whether login through the unified identity (OpenID Connect) is configured, and its name',
          response: {
            200: Type.Object({
              enabled: Type.Boolean(),
              label: Type.Union([Type.String(), Type.Null()], {
                description: "the identity's configured name (QDH_OIDC_LABEL); null: the web app's own words",
              }),
            }),
          },
        },
      },
      async () => ({ enabled: hub.oidc !== null, label: hub.oidc?.label ?? null }),
    );

    app.get(
      '/oidc/start',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: "Send the browser to the unified identity's login (authorization code with PKCE)",
          description:
            'Answers 303 to the provider and sets the flow cookie; 404 ACC_OIDC_NOT_CONFIGURED on a hub without ' +
            'one, 502 ACC_OIDC_UNAVAILABLE when the provider cannot be reached.',
        },
      },
      async (_request, reply) => {
        const { url, flow } = await configured(hub).start();
        reply.header('set-cookie', flowCookie(flow, hub.oidc!, reply));
        return reply.header('cache-control', 'no-store').redirect(url.href, 303);
      },
    );

    app.get(
      '/oidc/callback',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Where the unified identity sends the browser back; on to the login page with a one-time code',
          description:
            'Answers 303 to `/login#oidc=<code>` (the code traded at POST /auth/oidc/session within a minute), ' +
            'or to `/login#oidc-error=<problem code>`. The token itself never appears in an address.',
          querystring: Type.Object(
            {
              code: Type.Optional(Type.String({ maxLength: 2048 })),
              state: Type.Optional(Type.String({ maxLength: 2048 })),
              error: Type.Optional(Type.String({ maxLength: 256 })),
            },
            { additionalProperties: true },
          ),
        },
      },
      async (request, reply) => {
        const to = await finish(hub, request).then(
          (code) => `${LOGIN_PAGE}#oidc=${code}`,
          (e: unknown) => `${LOGIN_PAGE}#oidc-error=${failed(e, request)}`,
        );
        reply.header('set-cookie', clearedFlowCookie());
        return reply.header('cache-control', 'no-store').redirect(to, 303);
      },
    );

    app.post(
      '/oidc/session',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Trade the one-time code of a unified identity login for a token, as a password login answers',
          body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
          response: { 200: LoginAnswerSchema },
        },
      },
      async (request, reply) => remembered(await configured(hub).redeem(request.body.code), sourceOf(request), reply),
    );
  };
}

function configured(hub: Hub): OidcLogin {
  if (!hub.oidc) throw new HubError('ACC_OIDC_NOT_CONFIGURED');
  return hub.oidc;
}

function finish(hub: Hub, request: FastifyRequest): Promise<string> {
  const query = request.url.indexOf('?');
  return configured(hub).finish(query < 0 ? '' : request.url.slice(query), flowOf(request));
}

/** The problem code the login page shows; the log says why, never with a token or an ID. */
function failed(e: unknown, request: FastifyRequest): string {
  if (e instanceof HubError) {
    request.log.warn({ code: e.code, reason: e.message }, 'login through the unified identity failed');
    return e.code;
  }
  request.log.error({ err: e }, 'login through the unified identity failed');
  return 'KRN_INTERNAL';
}

function flowCookie(flow: string, oidc: OidcLogin, reply: FastifyReply): string {
  const secure = oidc.redirectUri.startsWith('https:') || reply.request.protocol === 'https' ? '; Secure' : '';
  return `${FLOW_COOKIE}=${flow}; Path=${FLOW_PATH}; Max-Age=${oidc.flowTtlS}; HttpOnly; SameSite=Lax${secure}`;
}

function clearedFlowCookie(): string {
  return `${FLOW_COOKIE}=; Path=${FLOW_PATH}; Max-Age=0; HttpOnly; SameSite=Lax`;
}

function flowOf(request: FastifyRequest): string | undefined {
  return new RegExp(`(?:^|;\\s*)${FLOW_COOKIE}=([A-Za-z0-9_.-]+)(?:;|$)`).exec(request.headers.cookie ?? '')?.[1];
}
