import { Button, Divider } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery, useSubmit, type Answer, type Problem } from '../api';

type LoginAnswer = Answer<'/api/v1/auth/oidc/session', 'post'>;

/**
 * The way back from the unified identity: the hub's callback sends the browser to
 * `/login#oidc=<one-time code>` or `/login#oidc-error=<problem code>`. The code is taken out of the
 * address at once (history too) and traded for the token; the token itself is never in an address.
 */
export function useOidcReturn(loggedIn: (answer: LoginAnswer) => void): { busy: boolean; problem: Problem | null } {
  const [refused, setRefused] = useState<Problem | null>(null);
  const redeem = useSubmit(async (code: string) => {
    loggedIn(await ok(client.POST('/api/v1/auth/oidc/session', { body: { code } })));
  });
  useEffect(() => {
    const back = new URLSearchParams(window.location.hash.slice(1));
    const code = back.get('oidc');
    const error = back.get('oidc-error');
    if (code === null && error === null) return;
    window.history.replaceState(null, '', window.location.pathname);
    if (code) void redeem.run(code);
    else setRefused({ code: error ?? undefined, title: error ?? '', status: 401 });
    // Once, on arrival: the address is cleared above, so a second run finds nothing.
  }, []);
  return { busy: redeem.busy, problem: redeem.problem ?? refused };
}

/** "使用统一身份认证登录", shown when the hub has a unified identity configured: a navigation, not a call. */
export function OidcButton() {
  const { t } = useTranslation();
  const { data } = useQuery(() => ok(client.GET('/api/v1/auth/oidc')), []);
  if (!data?.enabled) return null;
  return (
    <>
      <Divider plain>{t('oidc.or')}</Divider>
      <Button block href="/api/v1/auth/oidc/start" data-testid="oidc-login">
        {data.label ? t('oidc.loginWith', { label: data.label }) : t('oidc.login')}
      </Button>
    </>
  );
}
