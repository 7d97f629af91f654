import { Alert, Button, Form, Input, Popconfirm, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useAction, useQuery, type Answer, type Body } from '../api';
import { PasswordRules } from '../auth/password-fields';
import { useSession } from '../session';
import { FormModal } from '../ui/form-modal';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';

type Account = Answer<'/api/v1/admin/users'>['items'][number];
type SetPassword = Answer<'/api/v1/admin/users', 'post'>;
const ROLES = ['operator', 'officer', 'consumer', 'citizen', 'auditor', 'third_party'] as const;
type Role = (typeof ROLES)[number];
const PAGE_SIZE = 20;

interface AccountValues {
  username: string;
  displayName: string;
  orgCode?: string;
  roles: Role[];
  citizenId?: string;
  choice: 'generated' | 'set';
  password?: string;
}

/**
 * 用户管理 for operators: accounts searched by name or organization, created with a one-time
 * password shown once, edited (roles, organization, citizen ID), disabled or enabled, and their
 * passwords reset. Each change is on the ledger (the server writes it).
 */
export default function UsersPage() {
  const { t } = useTranslation();
  const { user: me } = useSession();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role>();
  const [page, setPage] = useState(1);
  const users = useQuery(
    () => ok(client.GET('/api/v1/admin/users', { params: { query: { q, role, page, pageSize: PAGE_SIZE } } })),
    [q, role, page],
  );
  const orgs = useQuery(() => ok(client.GET('/api/v1/admin/orgs')), []);
  const orgOptions = (orgs.data?.items ?? []).map((o) => ({ value: o.code, label: o.name }));
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Account | null>(null);
  const [resetting, setResetting] = useState<Account | null>(null);
  const [made, setMade] = useState<SetPassword | null>(null);

  const toggle = useAction(
    (a: Account) =>
      ok(
        client.POST(`/api/v1/auth/users/{username}/${a.disabled ? 'enable' : 'disable'}`, {
          params: { path: { username: a.username } },
        }),
      ),
    {
      success: (answer, a) => t(answer.disabled ? 'admin.disabledDone' : 'admin.enabledDone', { name: a.displayName }),
      then: users.refetch,
    },
  );

  const columns = [
    {
      title: t('admin.displayName'),
      key: 'name',
      render: (_: unknown, a: Account) => (
        <Space orientation="vertical" size={0}>
          <span>{a.displayName}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {a.username}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('admin.org'), key: 'org', render: (_: unknown, a: Account) => a.org?.name ?? t('admin.noOrg') },
    {
      title: t('admin.roles'),
      key: 'roles',
      render: (_: unknown, a: Account) => a.roles.map((r) => <Tag key={r}>{t(`role.${r}`)}</Tag>),
    },
    {
      title: t('admin.status'),
      key: 'status',
      render: (_: unknown, a: Account) => (
        <Space size={[0, 4]} wrap>
          {a.disabled ? <Tag color="red">{t('admin.disabled')}</Tag> : <Tag color="green">{t('admin.enabled')}</Tag>}
          {a.mustChangePassword && <Tag color="orange">{t('admin.mustChange')}</Tag>}
          {a.citizenBound && <Tag color="blue">{t('admin.citizenBound')}</Tag>}
          {a.officerOf.map((o) => (
            <Tag key={o.org} color="purple">
              {t(`admin.duty.${o.duty}`)}
            </Tag>
          ))}
        </Space>
      ),
    },
    {
      title: t('admin.actions'),
      key: 'actions',
      render: (_: unknown, a: Account) => (
        <Space size={0} wrap>
          <Button type="link" size="small" onClick={() => setEditing(a)} data-testid={`edit-${a.username}`}>
            {t('admin.edit')}
          </Button>
          <Button type="link" size="small" onClick={() => setResetting(a)} data-testid={`reset-${a.username}`}>
            {t('admin.resetPassword')}
          </Button>
          {a.username !== me?.username &&
            (a.disabled ? (
              <Button type="link" size="small" onClick={() => void toggle.run(a)} data-testid={`enable-${a.username}`}>
                {t('admin.enable')}
              </Button>
            ) : (
              <Popconfirm title={t('admin.disableConfirm', { name: a.displayName })} onConfirm={() => toggle.run(a)}>
                <Button type="link" size="small" danger data-testid={`disable-${a.username}`}>
                  {t('admin.disable')}
                </Button>
              </Popconfirm>
            ))}
        </Space>
      ),
    },
  ];

  return (
    <Page
      title={t('admin.users')}
      extra={
        <Button type="primary" onClick={() => setCreating(true)} data-testid="create-user">
          {t('admin.createUser')}
        </Button>
      }
    >
      <PasswordShown answer={made} onClose={() => setMade(null)} />
      <Space wrap>
        <Input.Search
          allowClear
          placeholder={t('admin.searchUsers')}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
          style={{ width: 280, maxWidth: '100%' }}
          data-testid="user-search"
        />
        <Select
          allowClear
          placeholder={t('admin.allRoles')}
          value={role}
          onChange={(v: Role | undefined) => {
            setRole(v);
            setPage(1);
          }}
          options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
          style={{ width: 160 }}
        />
      </Space>
      {users.problem && <ProblemAlert problem={users.problem} />}
      <Table
        rowKey="id"
        size="small"
        loading={users.loading}
        dataSource={users.data?.items ?? []}
        columns={columns}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: users.data?.total ?? 0,
          onChange: setPage,
          showTotal: (count) => t('admin.total', { count }),
        }}
        data-testid="users-table"
      />
      <AccountModal
        open={creating}
        orgOptions={orgOptions}
        onClose={() => setCreating(false)}
        onMade={(answer) => {
          setCreating(false);
          setMade(answer);
          void users.refetch();
        }}
      />
      {editing && (
        <AccountModal
          open
          account={editing}
          orgOptions={orgOptions}
          onClose={() => setEditing(null)}
          onMade={() => {
            setEditing(null);
            void users.refetch();
          }}
        />
      )}
      {resetting && (
        <ResetModal
          account={resetting}
          onClose={() => setResetting(null)}
          onMade={(answer) => {
            setResetting(null);
            setMade(answer);
            void users.refetch();
          }}
        />
      )}
    </Page>
  );
}

/** Create (no `account`) or edit an account. A new account gets a one-time password unless the operator sets one. */
function AccountModal(props: {
  open: boolean;
  account?: Account;
  orgOptions: Array<{ value: string; label: string }>;
  onClose: () => void;
  onMade: (answer: SetPassword) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AccountValues>();
  const roles = Form.useWatch('roles', form) ?? props.account?.roles ?? [];
  const choice = Form.useWatch('choice', form);
  const editing = props.account !== undefined;
  const submit = async (v: AccountValues) => {
    const citizenId = v.citizenId?.trim() || undefined;
    if (props.account) {
      const body: Body<'/api/v1/admin/users/{username}', 'patch'> = {
        displayName: v.displayName,
        orgCode: v.orgCode ?? null,
        roles: v.roles,
        ...(citizenId && { citizenId }),
      };
      const account = await ok(
        client.PATCH('/api/v1/admin/users/{username}', {
          params: { path: { username: props.account.username } },
          body,
        }),
      );
      props.onMade({ account });
      return;
    }
    const body: Body<'/api/v1/admin/users'> = {
      username: v.username,
      displayName: v.displayName,
      orgCode: v.orgCode ?? null,
      roles: v.roles,
      ...(citizenId && { citizenId }),
      ...(v.choice === 'set' && v.password ? { password: v.password } : {}),
    };
    props.onMade(await ok(client.POST('/api/v1/admin/users', { body })));
  };
  return (
    <FormModal<AccountValues>
      open={props.open}
      title={editing ? t('admin.editUser') : t('admin.createUser')}
      form={form}
      onSubmit={submit}
      onDone={() => {}}
      onCancel={props.onClose}
      okTestId="account-submit"
      problemTestId="account-error"
    >
      <Form.Item
        name="username"
        label={t('admin.username')}
        extra={editing ? undefined : t('admin.usernameHelp')}
        initialValue={props.account?.username}
        rules={[{ required: true }, { pattern: /^[a-z][a-z0-9_.-]{1,63}$/, message: t('admin.usernameHelp') }]}
      >
        <Input disabled={editing} autoComplete="off" data-testid="account-username" />
      </Form.Item>
      <Form.Item
        name="displayName"
        label={t('admin.displayName')}
        initialValue={props.account?.displayName}
        rules={[{ required: true }, { max: 100 }]}
      >
        <Input data-testid="account-name" />
      </Form.Item>
      <Form.Item name="orgCode" label={t('admin.org')} initialValue={props.account?.org?.code}>
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          options={props.orgOptions}
          placeholder={t('admin.noOrg')}
          data-testid="account-org"
        />
      </Form.Item>
      <Form.Item name="roles" label={t('admin.roles')} initialValue={props.account?.roles} rules={[{ required: true }]}>
        <Select
          mode="multiple"
          showSearch={{ optionFilterProp: 'label' }}
          options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
          data-testid="account-roles"
        />
      </Form.Item>
      {roles.includes('citizen') && (
        <Form.Item
          name="citizenId"
          label={t('admin.citizenId')}
          extra={t('admin.citizenIdHelp')}
          rules={[{ len: 18, required: !editing || !props.account?.citizenBound }]}
        >
          <Input maxLength={18} autoComplete="off" />
        </Form.Item>
      )}
      {!editing && (
        <>
          <PasswordChoice choice={choice} />
        </>
      )}
    </FormModal>
  );
}

function ResetModal(props: { account: Account; onClose: () => void; onMade: (answer: SetPassword) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ choice: 'generated' | 'set'; password?: string }>();
  const choice = Form.useWatch('choice', form);
  return (
    <FormModal
      open
      title={`${t('admin.resetPassword')}：${props.account.displayName}`}
      form={form}
      danger
      okText={t('admin.resetPassword')}
      okTestId="reset-submit"
      problemTestId="reset-error"
      onCancel={props.onClose}
      onDone={() => {}}
      onSubmit={async (v) => {
        const body = v.choice === 'set' && v.password ? { password: v.password } : {};
        const path = { username: props.account.username };
        props.onMade(
          await ok(client.POST('/api/v1/admin/users/{username}/reset-password', { params: { path }, body })),
        );
      }}
    >
      <Alert type="warning" showIcon title={t('admin.resetHelp')} style={{ marginBottom: 16 }} />
      <PasswordChoice choice={choice} />
    </FormModal>
  );
}

/** The one-time password, shown this once; an operator-chosen one is not shown again. */
/** A password the hub makes (shown once) or one the operator sets; either must be changed at the next login. */
function PasswordChoice({ choice }: { choice: 'generated' | 'set' | undefined }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name="choice" label={t('admin.passwordChoice')} initialValue="generated">
        <Radio.Group
          options={[
            { value: 'generated', label: t('admin.passwordGenerated') },
            { value: 'set', label: t('admin.passwordSet') },
          ]}
        />
      </Form.Item>
      {choice === 'set' && (
        <>
          <PasswordRules />
          <Form.Item
            name="password"
            label={t('admin.initialPassword')}
            rules={[{ required: true }, { min: 8, max: 128 }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </>
      )}
    </>
  );
}

function PasswordShown({ answer, onClose }: { answer: SetPassword | null; onClose: () => void }) {
  const { t } = useTranslation();
  if (!answer) return null;
  const name = answer.account.displayName;
  return (
    <Alert
      type="success"
      showIcon
      closable={{ onClose }}
      data-testid="password-shown"
      title={answer.oneTimePassword ? t('admin.oneTimeTitle') : t('admin.saved', { name })}
      description={
        answer.oneTimePassword ? (
          <Space orientation="vertical" size={4}>
            <span>{t('admin.oneTimeHelp', { name })}</span>
            <Typography.Text code copyable data-testid="one-time-password" style={{ fontSize: 16 }}>
              {answer.oneTimePassword}
            </Typography.Text>
          </Space>
        ) : (
          answer.account.mustChangePassword && t('admin.passwordSetDone', { name })
        )
      }
    />
  );
}
