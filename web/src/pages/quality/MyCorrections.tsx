import { EditOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Modal, Result, Select, Table } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemOf, query, type Problem } from '../../api';
import type { Resource, ResourceSummary } from '../../types';
import { ProblemAlert } from '../share/common';
import { CorrectionDue, CorrectionStateTag, ReportedValues } from './common';
import type { Correction, CorrectionPage } from './types';

/**
 * 我的数据纠错: the citizen's reports of wrong values in their own records, and a button to file
 * one. The key is left out: the hub takes the citizen's own ID.
 */
export function MyCorrections() {
  const { t } = useTranslation();
  const [items, setItems] = useState<Correction[]>([]);
  const [open, setOpen] = useState(false);
  const load = useCallback(
    () =>
      api<CorrectionPage>('/api/v1/corrections')
        .then((r) => setItems(r.items))
        .catch(() => setItems([])),
    [],
  );
  useEffect(() => void load(), [load]);
  return (
    <Card
      title={t('myCorrections')}
      extra={
        <Button icon={<EditOutlined />} onClick={() => setOpen(true)} data-testid="correction-report-open">
          {t('reportWrongValue')}
        </Button>
      }
    >
      <Table<Correction>
        rowKey="id"
        size="small"
        dataSource={items}
        data-testid="my-corrections"
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        columns={[
          { title: '#', dataIndex: 'id', width: 56 },
          { title: t('resource'), key: 'resource', render: (_, c) => `${c.resource.name} · ${c.field.label}` },
          { title: t('correctionValues'), key: 'values', render: (_, c) => <ReportedValues correction={c} /> },
          {
            title: t('state'),
            key: 'state',
            render: (_, c) => (
              <>
                <CorrectionStateTag value={c.state} />
                {c.rejectReason && <div>{c.rejectReason}</div>}
              </>
            ),
          },
          { title: t('due'), key: 'due', render: (_, c) => <CorrectionDue correction={c} /> },
        ]}
      />
      <ReportModal open={open} onClose={() => setOpen(false)} onFiled={load} />
    </Card>
  );
}

interface ReportValues {
  resource: string;
  field: string;
  claimedValue: string;
  proposedValue?: string;
  note?: string;
}

function ReportModal({ open, onClose, onFiled }: { open: boolean; onClose: () => void; onFiled: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ReportValues>();
  const [resources, setResources] = useState<ResourceSummary[]>([]);
  const [resource, setResource] = useState<Resource | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [filed, setFiled] = useState<Correction | null>(null);
  const search = (q: string) =>
    void api<{ items: ResourceSummary[] }>(
      `/api/v1/catalog/resources?${query({ q, status: 'published', pageSize: 20 })}`,
    )
      .then((r) => setResources(r.items.filter((x) => x.keyField === 'citizen_id' && x.recordCount > 0)))
      .catch(() => setResources([]));
  useEffect(() => {
    if (open) search('');
  }, [open]);
  const pick = (code: string) => {
    form.setFieldValue('field', undefined);
    void api<Resource>(`/api/v1/catalog/resources/${code}`).then(setResource);
  };
  const close = () => {
    onClose();
    setFiled(null);
    setProblem(null);
    setResource(null);
    form.resetFields();
  };
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setProblem(null);
    try {
      const proposed = v.proposedValue?.trim();
      setFiled(
        await api<Correction>('/api/v1/corrections', {
          method: 'POST',
          json: {
            resource: v.resource,
            field: v.field,
            claimedValue: v.claimedValue.trim(),
            ...(proposed ? { proposedValue: proposed } : {}),
            ...(v.note?.trim() ? { note: v.note.trim() } : {}),
          },
        }),
      );
      onFiled();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };
  const fields = (resource?.fields ?? []).filter((f) => f.name !== resource?.keyField);
  return (
    <Modal
      open={open}
      title={t('reportWrongValue')}
      onCancel={close}
      onOk={filed ? close : submit}
      okText={filed ? t('close') : t('submit')}
      okButtonProps={{ loading: busy }}
      destroyOnHidden
    >
      {filed ? (
        <Result
          status="success"
          title={t('correctionFiled', { id: filed.id })}
          subTitle={t('correctionFiledDue', { provider: filed.resource.provider.name, due: filed.dueDate })}
          data-testid="correction-filed"
        />
      ) : (
        <>
          {problem && <ProblemAlert problem={problem} style={{ marginBottom: 12 }} />}
          <Form form={form} layout="vertical">
            <Form.Item name="resource" label={t('resource')} rules={[{ required: true }]}>
              <Select
                showSearch
                filterOption={false}
                onSearch={search}
                onChange={pick}
                options={resources.map((r) => ({ value: r.code, label: `${r.name}（${r.provider.name}）` }))}
                data-testid="correction-resource"
              />
            </Form.Item>
            <Form.Item name="field" label={t('field')} rules={[{ required: true }]}>
              <Select
                disabled={!resource}
                options={fields.map((f) => ({ value: f.name, label: f.label }))}
                data-testid="correction-field"
              />
            </Form.Item>
            <Form.Item name="claimedValue" label={t('correctionClaimed')} initialValue="">
              <Input maxLength={500} data-testid="correction-claimed" />
            </Form.Item>
            <Form.Item name="proposedValue" label={t('correctionProposed')}>
              <Input maxLength={500} data-testid="correction-proposed" />
            </Form.Item>
            <Form.Item name="note" label={t('correctionNote')}>
              <Input.TextArea rows={3} maxLength={1000} showCount />
            </Form.Item>
          </Form>
        </>
      )}
    </Modal>
  );
}
