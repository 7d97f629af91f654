import { EditOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Select, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery } from '../api';
import { FormModal } from '../ui/form-modal';
import { CorrectionDue, CorrectionFiled, CorrectionStateTag, ReportedValues } from './common';
import type { Correction } from './types';

/**
 * 我的数据纠错: the citizen's reports of wrong values in their own records, and a button to file
 * one. The key is left out: the hub takes the citizen's own ID.
 */
export function MyCorrections() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const mine = useQuery(() => ok(client.GET('/api/v1/corrections', { params: { query: { page: 1 } } })), []);
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
        dataSource={mine.data?.items}
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
      <ReportModal open={open} onClose={() => setOpen(false)} onFiled={() => void mine.refetch()} />
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

/** Published resources keyed by a citizen's ID that hold records: those a citizen can report on. */
async function citizenResources(q: string) {
  const found = await ok(
    client.GET('/api/v1/catalog/resources', { params: { query: { q, status: 'published', page: 1, pageSize: 20 } } }),
  );
  return found.items.filter((x) => x.keyField === 'citizen_id' && x.recordCount > 0);
}

function ReportModal({ open, onClose, onFiled }: { open: boolean; onClose: () => void; onFiled: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ReportValues>();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<string | null>(null);
  const [filed, setFiled] = useState<Correction | null>(null);
  const found = useQuery(async () => (open ? citizenResources(q) : []), [open, q]);
  // None to offer when the search fails: the citizen can search again.
  const resources = found.problem ? [] : (found.data ?? []);
  const resource = useQuery(
    async () =>
      picked ? ok(client.GET('/api/v1/catalog/resources/{code}', { params: { path: { code: picked } } })) : null,
    [picked],
  ).data;
  const pick = (code: string) => {
    form.setFieldValue('field', undefined);
    setPicked(code);
  };
  const close = () => {
    onClose();
    setFiled(null);
    setPicked(null);
    setQ('');
    form.resetFields();
  };
  const submit = async (v: ReportValues) => {
    const proposed = v.proposedValue?.trim();
    setFiled(
      await ok(
        client.POST('/api/v1/corrections', {
          body: {
            resource: v.resource,
            field: v.field,
            claimedValue: v.claimedValue.trim(),
            ...(proposed ? { proposedValue: proposed } : {}),
            ...(v.note?.trim() ? { note: v.note.trim() } : {}),
          },
        }),
      ),
    );
  };
  const fields = (resource?.fields ?? []).filter((f) => f.name !== resource?.keyField);
  return (
    <FormModal
      open={open}
      title={t('reportWrongValue')}
      form={form}
      onSubmit={submit}
      onDone={onFiled}
      onCancel={close}
      done={filed && <CorrectionFiled filed={filed} testId="correction-filed" />}
    >
      <Form.Item name="resource" label={t('resource')} rules={[{ required: true }]}>
        <Select
          showSearch
          filterOption={false}
          onSearch={setQ}
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
    </FormModal>
  );
}
