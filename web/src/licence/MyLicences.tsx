import { LockOutlined, QrcodeOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Empty,
  Modal,
  Result,
  Segmented,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, download, ok, problemOf, problemText, useQuery } from '../api';
import { useCan } from '../session';
import { Page } from '../ui/page';
import { STATUS_COLOR, type Licence } from './types';

/** 我的证照: the signed-in person's e-licences and their enterprises', each a card with 亮证. */
export default function MyLicencesPage() {
  const { t } = useTranslation();
  if (!useCan('licence:hold')) {
    return (
      <Page title={t('licence.title')}>
        <Result status="info" title={t('licence.notHolder')} />
      </Page>
    );
  }
  return <MyLicences />;
}

function MyLicences() {
  const { t } = useTranslation();
  const list = useQuery(() => ok(client.GET('/api/v1/licences')), []);
  const [showing, setShowing] = useState<Licence>();
  const items = list.data?.items ?? [];
  return (
    <Page title={t('licence.title')}>
      <Typography.Paragraph type="secondary">{t('licence.intro')}</Typography.Paragraph>
      {!list.loading && items.length === 0 && <Empty description={t('licence.none')} />}
      <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="licence-cards">
        {items.map((l) => (
          <LicenceCard key={l.id} licence={l} onPresent={() => setShowing(l)} />
        ))}
      </Space>
      {showing && <PresentModal licence={showing} onClose={() => setShowing(undefined)} />}
    </Page>
  );
}

function LicenceCard({ licence: l, onPresent }: { licence: Licence; onPresent: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const exportCredential = async () => {
    try {
      await download(`/api/v1/licences/${l.id}/credential`, `${l.type.code}-${l.identifier}.jwt`);
      void message.success(t('licence.credentialDone'));
    } catch (e) {
      void message.error(problemText(t, problemOf(e)));
    }
  };
  return (
    <Card
      size="small"
      title={
        <Space wrap size={4}>
          <span>{l.type.name}</span>
          <Tag color={STATUS_COLOR[l.status]}>{t(`licence.status.${l.status}`)}</Tag>
          {l.holder.kind === 'legal_entity' && <Tag>{l.holder.name ?? t('licence.enterprise')}</Tag>}
        </Space>
      }
      data-testid={`licence-card-${l.type.code}`}
      actions={[
        <Button
          key="present"
          type="primary"
          icon={<QrcodeOutlined />}
          disabled={l.status === 'revoked' || l.status === 'superseded'}
          onClick={onPresent}
          data-testid="licence-present"
        >
          {t('licence.present')}
        </Button>,
        <Button key="vc" type="link" onClick={() => void exportCredential()}>
          {t('licence.credential')}
        </Button>,
      ]}
    >
      <Descriptions size="small" column={1} colon={false} labelStyle={{ minWidth: 88 }}>
        {l.fields.map((f) => (
          <Descriptions.Item key={f.name} label={f.label}>
            <span style={{ wordBreak: 'break-all' }}>{f.value}</span>
          </Descriptions.Item>
        ))}
        <Descriptions.Item label={t('licence.issuer')}>{l.issuer.name}</Descriptions.Item>
        <Descriptions.Item label={t('licence.validity')}>{validity(t, l.validFrom, l.validUntil)}</Descriptions.Item>
        <Descriptions.Item label={t('licence.identifier')}>
          <Typography.Text copyable style={{ wordBreak: 'break-all', fontSize: 12 }}>
            {l.identifier}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

export function validity(t: (k: string) => string, from: string, until: string | null): string {
  const day = (s: string) => s.slice(0, 10);
  return until ? `${day(from)} ~ ${day(until)}` : `${day(from)} ${t('licence.from')}（${t('licence.longTerm')}）`;
}

interface Made {
  token: string;
  qr: string;
  url: string;
  expiresAt: string;
}

/** 亮证: choose the fields the type lets the holder leave out, then the QR code, big, with its countdown. */
function PresentModal({ licence: l, onClose }: { licence: Licence; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const optional = l.fields.filter((f) => f.omittable).map((f) => f.name);
  const [chosen, setChosen] = useState<string[]>(optional);
  const [ttl, setTtl] = useState(300);
  const [made, setMade] = useState<Made>();
  const [busy, setBusy] = useState(false);
  const left = useCountdown(made?.expiresAt);
  const make = async () => {
    setBusy(true);
    try {
      const answer = await ok(
        client.POST('/api/v1/licences/{id}/presentations', {
          params: { path: { id: l.id } },
          body: { fields: chosen, ttl },
        }),
      );
      setMade(answer);
    } catch (e) {
      void message.error(problemText(t, problemOf(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('licence.presentTitle', { type: l.type.name })} onCancel={onClose} footer={null} width={420}>
      {!made ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text strong>{t('licence.chooseFields')}</Typography.Text>
          <Space orientation="vertical" size={4}>
            {l.fields.map((f) => (
              <Checkbox
                key={f.name}
                checked={!f.omittable || chosen.includes(f.name)}
                disabled={!f.omittable}
                onChange={(e) => setChosen((c) => (e.target.checked ? [...c, f.name] : c.filter((n) => n !== f.name)))}
              >
                {f.label} {!f.omittable && <LockOutlined />}
              </Checkbox>
            ))}
          </Space>
          <Typography.Text strong>{t('licence.ttl')}</Typography.Text>
          <Segmented<number>
            value={ttl}
            onChange={setTtl}
            options={[60, 300, 600].map((s) => ({ value: s, label: t('licence.minutes', { n: s / 60 }) }))}
          />
          <Button
            type="primary"
            block
            size="large"
            loading={busy}
            onClick={() => void make()}
            data-testid="licence-make-qr"
          >
            {t('licence.makeQr')}
          </Button>
        </Space>
      ) : (
        <Space orientation="vertical" align="center" style={{ width: '100%' }} data-testid="licence-qr">
          <img
            src={made.qr}
            alt={t('licence.present')}
            style={{ width: 'min(80vw, 340px)', height: 'auto', opacity: left > 0 ? 1 : 0.2 }}
          />
          {left > 0 ? (
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="licence-countdown">
              {t('licence.countdown', { s: left })}
            </Typography.Title>
          ) : (
            <Typography.Text type="danger">{t('licence.expiredQr')}</Typography.Text>
          )}
          <Typography.Text type="secondary">{t('licence.scanHint')}</Typography.Text>
          <Space wrap>
            <Button
              onClick={() =>
                void navigator.clipboard?.writeText(made.url).then(() => message.success(t('licence.copied')))
              }
            >
              {t('licence.copyLink')}
            </Button>
            <Button href={made.url} target="_blank" rel="noopener" data-testid="licence-verify-link">
              {t('licence.openVerify')}
            </Button>
            <Button type="primary" loading={busy} onClick={() => void make()}>
              {t('licence.again')}
            </Button>
          </Space>
        </Space>
      )}
    </Modal>
  );
}

/** Seconds until `until`, ticking each second; 0 once past. */
function useCountdown(until: string | undefined): number {
  const seconds = () => (until ? Math.max(0, Math.ceil((Date.parse(until) - Date.now()) / 1000)) : 0);
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    setLeft(seconds());
    if (!until) return;
    const timer = setInterval(() => setLeft(seconds()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return left;
}
