import { HubError, msg } from '../kernel/index.js';

/**
 * How the hub reaches a unified identity (统一身份认证, an OpenID Connect provider) and which of its
 * claims binds a person to a hub account (docs/oidc.md).
 */
export interface OidcConfig {
  /** The provider's issuer identifier; its metadata is discovered under it. */
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** The hub as browsers reach it: the redirect URI is `<publicUrl>/api/v1/auth/oidc/callback`. */
  publicUrl: URL;
  /** The claim (ID token or userinfo) that holds the person's citizen ID (GB 11643). */
  claim: string;
  /** The scopes asked for: the claim above must come with one of them. */
  scope: string;
  /** The identity's name for the login page (e.g. 爱山东); null: the web app's own words. */
  label: string | null;
}

export const OIDC_DEFAULTS = { claim: 'id_number', scope: 'openid profile' } as const;

/**
 * QDH_OIDC_ISSUER, QDH_OIDC_CLIENT_ID, QDH_OIDC_CLIENT_SECRET, QDH_PUBLIC_URL and optionally
 * QDH_OIDC_CLAIM, QDH_OIDC_SCOPE, QDH_OIDC_LABEL; null without an issuer (no OIDC login). A
 * half-made configuration stops the hub at start rather than at the first citizen's login.
 */
export function oidcConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OidcConfig | null {
  const issuer = env.QDH_OIDC_ISSUER?.trim();
  if (!issuer) return null;
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new HubError('KRN_CONFIG', msg('config.oidcMissing', { issuer: 'QDH_OIDC_ISSUER', name }));
    return value;
  };
  return {
    issuer: secureUrl('QDH_OIDC_ISSUER', issuer),
    clientId: required('QDH_OIDC_CLIENT_ID'),
    clientSecret: required('QDH_OIDC_CLIENT_SECRET'),
    publicUrl: url('QDH_PUBLIC_URL', required('QDH_PUBLIC_URL')),
    claim: env.QDH_OIDC_CLAIM?.trim() || OIDC_DEFAULTS.claim,
    scope: env.QDH_OIDC_SCOPE?.trim() || OIDC_DEFAULTS.scope,
    label: env.QDH_OIDC_LABEL?.trim() || null,
  };
}

/**
 * Plain HTTP to the provider only on this machine's loopback (a provider in a test, or beside the
 * hub): elsewhere the ID token's keys and the client secret would cross the network unprotected.
 */
export function isLoopbackHttp(issuer: URL): boolean {
  return issuer.protocol === 'http:' && /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(issuer.hostname);
}

function secureUrl(name: string, value: string): URL {
  const parsed = url(name, value);
  if (parsed.protocol !== 'https:' && !isLoopbackHttp(parsed)) {
    throw new HubError('KRN_CONFIG', msg('config.oidcInsecure', { name, scheme: 'https' }));
  }
  return parsed;
}

function url(name: string, value: string): URL {
  const parsed = URL.canParse(value) ? new URL(value) : undefined;
  if (!parsed || !/^https?:$/.test(parsed.protocol))
    throw new HubError('KRN_CONFIG', msg('config.oidcUrl', { name, value }));
  return parsed;
}
