import { Button, Card, Descriptions, Input, Result, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { client, ok, problemOf, problemText } from '../api';
import { validity } from './MyLicences';
import type { Verification } from './types';

const STATUS: Record<string, 'success' | 'warning' | 'error' | 'info'> = {
  valid: 'success',
  expired: 'warning',
  not_yet_valid: 'info',
  revoked: 'error',
  tampered: 'error',
  unknown_issuer: 'error',
};

/**
 * 核验 (public, no login): the page a presentation's QR code opens (/verify?token=…), or where a
 * code is pasted. Says in colour and words whether the licence is valid, and who issued and signed it.
 */
export default function VerifyPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const [token, setToken] = useState(params.get('token') ?? '');
  const [answer, setAnswer] = useState<Verification>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const check = async (code: string) => {
    if (!code.trim()) return;
    setBusy(true);
    setProblem(undefined);
    try {
      // The SM2 countersignature of the link, for the token it came with (a pasted code has none).
      const sm2 = params.get('sm2');
      const withSm2 = sm2 && code.trim() === params.get('token') ? { sm2 } : {};
      setAnswer(await ok(client.POST('/api/v1/presentations/verify', { body: { token: code.trim(), ...withSm2 } })));
    } catch (e) {
      setProblem(problemText(t, problemOf(e)));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    const given = params.get('token');
    if (given) void check(given);
  }, [i18n.language]);
  const l = answer?.licence;
  return (
    <div style={{ maxWidth: 640, margin: '0 auto', padding: 16 }}>
      <Typography.Title level={3}>{t('licence.verifyTitle')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('licence.verifyIntro')}</Typography.Paragraph>
      {answer && (
        <Result
          status={STATUS[answer.reason]}
          title={t(`licence.reason.${answer.reason}`)}
          subTitle={l ? `${l.type.name} · ${l.issuer.name}` : undefined}
          data-testid={`verify-${answer.reason}`}
          style={{ padding: '16px 0' }}
        />
      )}
      {l && (
        <Card size="small" style={{ marginBottom: 16 }}>
          <Descriptions size="small" column={1} colon={false}>
            <Descriptions.Item label={t('licence.type')}>{l.type.name}</Descriptions.Item>
            <Descriptions.Item label={t('licence.issuer')}>{l.issuer.name}</Descriptions.Item>
            <Descriptions.Item label={t('licence.holder')}>{l.holder}</Descriptions.Item>
            {l.fields.map((f) => (
              <Descriptions.Item key={f.name} label={f.label}>
                <span style={{ wordBreak: 'break-all' }}>{f.value}</span>
              </Descriptions.Item>
            ))}
            <Descriptions.Item label={t('licence.validity')}>
              {validity(t, l.validFrom, l.validUntil)}
            </Descriptions.Item>
            <Descriptions.Item label={t('licence.presentedAt')}>
              {new Date(l.presentedAt).toLocaleString()}
            </Descriptions.Item>
            <Descriptions.Item label={t('licence.identifier')}>
              <span style={{ wordBreak: 'break-all', fontSize: 12 }}>{l.identifier}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('licence.signedBy')}>
              {l.issuer.name}（{l.signedBy.alg} · {l.signedBy.keyId}）
            </Descriptions.Item>
            {answer?.sm2 === 'valid' && (
              <Descriptions.Item label={t('licence.sm2')}>{t('licence.sm2Checked')}</Descriptions.Item>
            )}
          </Descriptions>
        </Card>
      )}
      {problem && <Typography.Text type="danger">{problem}</Typography.Text>}
      <Space.Compact style={{ width: '100%' }}>
        <Input.TextArea
          value={token}
          onChange={(e) => setToken(e.target.value)}
          placeholder={t('licence.token')}
          autoSize={{ minRows: 2, maxRows: 4 }}
          data-testid="verify-token"
        />
      </Space.Compact>
      <Button
        type="primary"
        block
        style={{ marginTop: 8 }}
        loading={busy}
        onClick={() => void check(token)}
        data-testid="verify-submit"
      >
        {t('licence.verify')}
      </Button>
    </div>
  );
}
