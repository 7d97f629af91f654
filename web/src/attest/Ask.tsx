import { Alert, Button, Card, Descriptions, Form, Input, Radio, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery, useSubmit } from '../api';
import { PurposeSelect } from '../purposes';
import { ProblemAlert } from '../ui/problem-alert';
import { Page } from '../ui/page';
import type { Attestation, Texts } from './types';

interface AskForm {
  item: string;
  subject: string;
  purpose: string;
  basis: 'legal' | 'consent';
  legalBasis?: string;
  consent?: string;
}

/** In the language shown: the zh-CN text, else the English. */
export function inLanguage(texts: Texts, language: string): string {
  return language.startsWith('zh') ? texts['zh-CN'] : texts.en;
}

/**
 * 无证明核验 (window): pick an item, enter the subject's ID and the basis, and read the answer,
 * big — yes or no, the item, the rule version, the time — with a check of its signature.
 */
export default function AskPage() {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<AskForm>();
  const [answer, setAnswer] = useState<Attestation>();
  const [valid, setValid] = useState<boolean>();
  const items = useQuery(async () => (await ok(client.GET('/api/v1/attestations/items'))).items, []);
  const basis = Form.useWatch('basis', form) ?? 'legal';
  const ask = useSubmit(async (v: AskForm) => {
    setAnswer(undefined);
    setValid(undefined);
    const body = {
      item: v.item,
      subject: v.subject.trim().toUpperCase(),
      purpose: v.purpose,
      ...(v.basis === 'consent' ? { consent: v.consent?.trim() } : { legalBasis: v.legalBasis?.trim() }),
    };
    setAnswer(await ok(client.POST('/api/v1/attestations/', { body })));
  });
  const verify = async () => {
    if (!answer) return;
    const res = await ok(
      client.POST('/api/v1/attestations/verify', {
        body: { statement: answer.statement, signature: answer.signature },
      }),
    );
    setValid(res.valid);
  };
  const item = items.data?.find((i) => i.code === answer?.item);
  return (
    <Page title={t('attest.askTitle')}>
      <Typography.Paragraph type="secondary">{t('attest.askIntro')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ basis: 'legal', purpose: 'eligibility_check' }}
        onFinish={(v) => void ask.run(v)}
        style={{ maxWidth: 560 }}
      >
        <Form.Item name="item" label={t('attest.item')} rules={[{ required: true }]}>
          <Select
            data-testid="attest-item"
            showSearch
            optionFilterProp="label"
            options={(items.data ?? []).map((i) => ({ value: i.code, label: inLanguage(i.name, i18n.language) }))}
          />
        </Form.Item>
        <Form.Item name="subject" label={t('attest.subject')} rules={[{ required: true, min: 15, max: 18 }]}>
          <Input data-testid="attest-subject" autoComplete="off" maxLength={18} />
        </Form.Item>
        <Form.Item name="purpose" label={t('attest.purpose')} rules={[{ required: true }]}>
          <PurposeSelect testId="attest-purpose" />
        </Form.Item>
        <Form.Item name="basis" label={t('attest.basis')}>
          <Radio.Group
            options={[
              { value: 'legal', label: t('attest.basis.legal') },
              { value: 'consent', label: t('attest.basis.consent') },
            ]}
          />
        </Form.Item>
        {basis === 'legal' ? (
          <Form.Item name="legalBasis" label={t('attest.legalBasis')} rules={[{ required: true, min: 4, max: 200 }]}>
            <Input data-testid="attest-legal-basis" placeholder={t('attest.legalBasisHint')} />
          </Form.Item>
        ) : (
          <Form.Item name="consent" label={t('attest.consent')} rules={[{ required: true }]}>
            <Input data-testid="attest-consent" autoComplete="off" />
          </Form.Item>
        )}
        {ask.problem && <ProblemAlert problem={ask.problem} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" loading={ask.busy} data-testid="attest-ask">
          {t('attest.ask')}
        </Button>
      </Form>
      {answer && (
        <Card data-testid="attest-answer" style={{ maxWidth: 560 }}>
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Typography.Title level={1} style={{ margin: 0, color: answer.answer ? '#389e0d' : '#cf1322' }}>
              {answer.answer ? t('attest.yes') : t('attest.no')}
            </Typography.Title>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('attest.item')}>
                {item ? inLanguage(item.name, i18n.language) : answer.item}
              </Descriptions.Item>
              <Descriptions.Item label={t('attest.version')}>
                {t('attest.versionNo', { version: answer.ruleVersion })}
              </Descriptions.Item>
              <Descriptions.Item label={t('attest.issuedAt')}>
                {new Date(answer.issuedAt).toLocaleString()}
              </Descriptions.Item>
              <Descriptions.Item label={t('attest.signature')}>
                <Typography.Text code ellipsis style={{ maxWidth: 220 }} copyable={{ text: JSON.stringify(answer) }}>
                  {answer.signature}
                </Typography.Text>
              </Descriptions.Item>
            </Descriptions>
            <Button onClick={() => void verify()} data-testid="attest-verify">
              {t('attest.verify')}
            </Button>
            {valid !== undefined && (
              <Alert
                type={valid ? 'success' : 'error'}
                showIcon
                title={valid ? t('attest.valid') : t('attest.invalid')}
              />
            )}
          </Space>
        </Card>
      )}
    </Page>
  );
}
