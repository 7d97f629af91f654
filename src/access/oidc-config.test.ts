import { describe, expect, it } from 'vitest';
import { HubError } from '../kernel/index.js';
import { OIDC_DEFAULTS, oidcConfigFromEnv } from './oidc-config.js';

const ENV = {
  QDH_OIDC_ISSUER: 'https://login.example.gov.cn/oidc',
  QDH_OIDC_CLIENT_ID: 'qdh',
  QDH_OIDC_CLIENT_SECRET: 'secret',
  QDH_PUBLIC_URL: 'https://data.jinan.example',
};

const refusal = (env: NodeJS.ProcessEnv) => {
  try {
    oidcConfigFromEnv(env);
  } catch (e) {
    return e instanceof HubError ? `${e.code}: ${e.message}` : String(e);
  }
  return 'accepted';
};

describe('the OIDC configuration from the environment', () => {
  it('is none without an issuer, and takes the defaults of claim and scope', () => {
    expect(oidcConfigFromEnv({})).toBeNull();
    expect(oidcConfigFromEnv(ENV)).toMatchObject({ ...OIDC_DEFAULTS, clientId: 'qdh', label: null });
    expect(oidcConfigFromEnv({ ...ENV, QDH_OIDC_CLAIM: 'sfzh', QDH_OIDC_SCOPE: 'openid idcard' })).toMatchObject({
      claim: 'sfzh',
      scope: 'openid idcard',
    });
  });

  it('stops the start when a setting is missing or not a URL', () => {
    expect(refusal({ ...ENV, QDH_OIDC_CLIENT_SECRET: '' })).toMatch(/^KRN_CONFIG: .*QDH_OIDC_CLIENT_SECRET/);
    expect(refusal({ ...ENV, QDH_PUBLIC_URL: undefined })).toMatch(/^KRN_CONFIG: .*QDH_PUBLIC_URL/);
    expect(refusal({ ...ENV, QDH_PUBLIC_URL: 'data.jinan.example' })).toMatch(/^KRN_CONFIG: .*must be a URL/);
  });

  it('talks plain http to a provider on the loopback only', () => {
    expect(refusal({ ...ENV, QDH_OIDC_ISSUER: 'http://login.example.gov.cn' })).toMatch(/^KRN_CONFIG: .*https/);
    expect(refusal({ ...ENV, QDH_OIDC_ISSUER: 'http://10.0.0.8:8080' })).toMatch(/^KRN_CONFIG/);
    for (const issuer of ['http://127.0.0.1:9000', 'http://localhost:9000/realms/sd', 'http://[::1]:9000']) {
      expect(refusal({ ...ENV, QDH_OIDC_ISSUER: issuer }), issuer).toBe('accepted');
    }
  });
});
