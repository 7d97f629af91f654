import { Button, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery, type Answer, type Body } from '../api';
import { FormModal } from '../ui/form-modal';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { PurposeSelect } from '../purposes';

type Org = Answer<'/api/v1/admin/orgs'>['items'][number];
type Division = Answer<'/api/v1/admin/orgs'>['divisions'][number];
const KINDS = ['platform', 'department', 'district', 'enterprise', 'third_party'] as const;
type Kind = (typeof KINDS)[number];

interface OrgValues {
  code: string;
  name: string;
  kind: Kind;
  division: string;
  parentCode?: string;
  creditCode?: string;
  purposes?: string[];
}

/**
 * 机构管理 for operators: organizations by name with their kind, parent, division, number of
 * accounts and data officers; new and edited organizations and appointed officers, each on the ledger.
 */
export default function OrganizationsPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<Kind>();
  const orgs = useQuery(() => ok(client.GET('/api/v1/admin/orgs', { params: { query: { q, kind } } })), [q, kind]);
  // Parents and divisions are chosen by name from the whole list, whatever the search shows.
  const all = useQuery(() => ok(client.GET('/api/v1/admin/orgs')), []);
  const [editing, setEditing] = useState<Org | 'new' | null>(null);
  const [officers, setOfficers] = useState<Org | null>(null);
  const refetch = () => Promise.all([orgs.refetch(), all.refetch()]);
  const person = (p: { displayName: string }) => p.displayName;

  const columns = [
    {
      title: t('admin.orgName'),
      key: 'name',
      render: (_: unknown, o: Org) => (
        <Space orientation="vertical" size={0}>
          <span>{o.name}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {o.code}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('admin.orgKind'), key: 'kind', render: (_: unknown, o: Org) => <Tag>{t(`admin.kind.${o.kind}`)}</Tag> },
    { title: t('admin.parent'), key: 'parent', render: (_: unknown, o: Org) => o.parentName ?? '—' },
    { title: t('admin.division'), key: 'division', render: (_: unknown, o: Org) => o.divisionName ?? o.division },
    { title: t('admin.userCount'), dataIndex: 'users', key: 'users' },
    {
      title: t('admin.officers'),
      key: 'officers',
      render: (_: unknown, o: Org) => (
        <Space size={[0, 4]} wrap>
          {o.chief && <Tag color="purple">{`${t('admin.duty.chief')}：${person(o.chief)}`}</Tag>}
          {o.stewards.map((s) => (
            <Tag key={s.username}>{person(s)}</Tag>
          ))}
        </Space>
      ),
    },
    {
      title: t('admin.actions'),
      key: 'actions',
      render: (_: unknown, o: Org) => (
        <Space size={0} wrap>
          <Button type="link" size="small" onClick={() => setEditing(o)} data-testid={`edit-org-${o.code}`}>
            {t('admin.edit')}
          </Button>
          <Button type="link" size="small" onClick={() => setOfficers(o)} data-testid={`officers-${o.code}`}>
            {t('admin.setOfficers')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Page
      title={t('admin.orgs')}
      extra={
        <Button type="primary" onClick={() => setEditing('new')} data-testid="create-org">
          {t('admin.createOrg')}
        </Button>
      }
    >
      <Space wrap>
        <Input.Search
          allowClear
          placeholder={t('admin.searchOrgs')}
          onSearch={(v) => setQ(v.trim())}
          style={{ width: 280, maxWidth: '100%' }}
          data-testid="org-search"
        />
        <Select
          allowClear
          placeholder={t('admin.allKinds')}
          value={kind}
          onChange={(v: Kind | undefined) => setKind(v)}
          options={KINDS.map((k) => ({ value: k, label: t(`admin.kind.${k}`) }))}
          style={{ width: 160 }}
        />
      </Space>
      {orgs.problem && <ProblemAlert problem={orgs.problem} />}
      <Table
        rowKey="code"
        size="small"
        loading={orgs.loading}
        dataSource={orgs.data?.items ?? []}
        columns={columns}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, showTotal: (count) => t('admin.total', { count }) }}
        data-testid="orgs-table"
      />
      {editing && (
        <OrgModal
          org={editing === 'new' ? undefined : editing}
          orgs={all.data?.items ?? []}
          divisions={all.data?.divisions ?? []}
          onClose={() => setEditing(null)}
          onMade={() => {
            setEditing(null);
            void refetch();
          }}
        />
      )}
      {officers && (
        <OfficersModal
          org={officers}
          onClose={() => setOfficers(null)}
          onMade={() => {
            setOfficers(null);
            void refetch();
          }}
        />
      )}
    </Page>
  );
}

function OrgModal(props: { org?: Org; orgs: Org[]; divisions: Division[]; onClose: () => void; onMade: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<OrgValues>();
  const { org } = props;
  const kind = Form.useWatch('kind', form) ?? org?.kind;
  const submit = async (v: OrgValues) => {
    const creditCode = v.creditCode?.trim() || null;
    // Only a third party asks data subjects for consent: it registers the purposes it may ask for.
    const purposes = v.kind === 'third_party' && v.purposes?.length ? v.purposes : null;
    if (org) {
      const body: Body<'/api/v1/admin/orgs/{code}', 'patch'> = {
        name: v.name,
        kind: v.kind,
        division: v.division,
        parentCode: v.parentCode ?? null,
        creditCode,
        purposes,
      };
      await ok(client.PATCH('/api/v1/admin/orgs/{code}', { params: { path: { code: org.code } }, body }));
    } else {
      const body: Body<'/api/v1/admin/orgs'> = {
        code: v.code,
        name: v.name,
        kind: v.kind,
        division: v.division,
        parentCode: v.parentCode ?? null,
        creditCode,
        purposes,
      };
      await ok(client.POST('/api/v1/admin/orgs', { body }));
    }
    props.onMade();
  };
  // The division of an organization outside the list (another city's) still shows, by its code.
  const divisions = props.divisions.some((d) => d.code === org?.division)
    ? props.divisions
    : [...props.divisions, ...(org ? [{ code: org.division, name: org.divisionName ?? org.division }] : [])];
  return (
    <FormModal<OrgValues>
      open
      title={org ? t('admin.editOrg') : t('admin.createOrg')}
      form={form}
      onSubmit={submit}
      onDone={() => {}}
      onCancel={props.onClose}
      okTestId="org-submit"
      problemTestId="org-error"
    >
      <Form.Item
        name="code"
        label={t('admin.orgCode')}
        extra={org ? undefined : t('admin.orgCodeHelp')}
        initialValue={org?.code}
        rules={[{ required: true }, { pattern: /^[A-Z0-9]{2,16}$/, message: t('admin.orgCodeHelp') }]}
      >
        <Input disabled={!!org} autoComplete="off" data-testid="org-code" />
      </Form.Item>
      <Form.Item
        name="name"
        label={t('admin.orgName')}
        initialValue={org?.name}
        rules={[{ required: true }, { max: 100 }]}
      >
        <Input data-testid="org-name" />
      </Form.Item>
      <Form.Item name="kind" label={t('admin.orgKind')} initialValue={org?.kind} rules={[{ required: true }]}>
        <Select options={KINDS.map((k) => ({ value: k, label: t(`admin.kind.${k}`) }))} data-testid="org-kind" />
      </Form.Item>
      <Form.Item name="division" label={t('admin.division')} initialValue={org?.division} rules={[{ required: true }]}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          options={divisions.map((d) => ({ value: d.code, label: d.name }))}
          data-testid="org-division"
        />
      </Form.Item>
      <Form.Item name="parentCode" label={t('admin.parent')} initialValue={org?.parentCode ?? undefined}>
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          options={props.orgs.filter((o) => o.code !== org?.code).map((o) => ({ value: o.code, label: o.name }))}
          placeholder={t('admin.none')}
        />
      </Form.Item>
      <Form.Item
        name="creditCode"
        label={t('admin.creditCode')}
        initialValue={org?.creditCode ?? undefined}
        rules={[{ len: 18 }]}
      >
        <Input maxLength={18} autoComplete="off" />
      </Form.Item>
      {kind === 'third_party' && (
        <Form.Item
          name="purposes"
          label={t('admin.consentPurposes')}
          extra={t('admin.consentPurposesHelp')}
          initialValue={org?.purposes ?? undefined}
        >
          <PurposeSelect multiple testId="org-purposes" />
        </Form.Item>
      )}
    </FormModal>
  );
}

/** 任命数据官: the chief data officer and the data stewards, chosen from the organization's officer-role users. */
function OfficersModal(props: { org: Org; onClose: () => void; onMade: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ chief?: string; stewards: string[] }>();
  const { org } = props;
  const candidates = useQuery(
    () =>
      ok(client.GET('/api/v1/admin/users', { params: { query: { org: org.code, role: 'officer', pageSize: 100 } } })),
    [org.code],
  );
  const options = (candidates.data?.items ?? []).map((u) => ({ value: u.username, label: u.displayName }));
  return (
    <FormModal<{ chief?: string; stewards: string[] }>
      open
      title={`${t('admin.setOfficers')}：${org.name}`}
      form={form}
      okTestId="officers-submit"
      problemTestId="officers-error"
      onCancel={props.onClose}
      onDone={() => {}}
      onSubmit={async (v) => {
        await ok(
          client.PUT('/api/v1/orgs/{code}/officers', {
            params: { path: { code: org.code } },
            body: { chief: v.chief ?? null, stewards: v.stewards ?? [] },
          }),
        );
        props.onMade();
      }}
    >
      <Typography.Paragraph type="secondary">{t('admin.officersHelp')}</Typography.Paragraph>
      <Form.Item name="chief" label={t('admin.chief')} initialValue={org.chief?.username}>
        <Select allowClear options={options} loading={candidates.loading} placeholder={t('admin.none')} />
      </Form.Item>
      <Form.Item name="stewards" label={t('admin.stewards')} initialValue={org.stewards.map((s) => s.username)}>
        <Select mode="multiple" options={options} loading={candidates.loading} />
      </Form.Item>
    </FormModal>
  );
}
