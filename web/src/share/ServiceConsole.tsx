import { DownloadOutlined, EyeInvisibleOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, download, query, useSubmit } from '../api';
import { PurposeSelect } from '../purposes';
import type { Field } from '../catalog/types';
import type { DataService, ServiceAnswer } from './types';
import { ProblemAlert } from '../ui/problem-alert';

type Mode = 'key' | 'batch' | 'filter';
interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}
interface Answer {
  call: Call;
  ms: number;
  body: ServiceAnswer;
}

const MAX_BATCH = 100;
const MAX_PAGE = 1000;
const MAX_EXPORT = 10_000;

/** 在线调试: calls the service by key, by a batch of keys or by a filter, and shows the answer. */
export function ServiceConsole({ service, fields }: { service: DataService; fields: Field[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [mode, setMode] = useState<Mode>('key');
  // The caller states one of its grant's purposes on every call; the first is picked to start with.
  const [purpose, setPurpose] = useState(service.purposes[0]?.code ?? '');
  const [key, setKey] = useState(service.sampleKey ?? '');
  const [keys, setKeys] = useState(service.sampleKey ?? '');
  const filterable = service.fields.filter((f) => !service.masked.includes(f));
  const [filterField, setFilterField] = useState<string | undefined>(
    filterable.find((f) => f !== service.keyField) ?? filterable[0],
  );
  const [filterValue, setFilterValue] = useState('');
  const [pageSize, setPageSize] = useState(20);
  const [exportRows, setExportRows] = useState(1000);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const base = `/api/v1/services/${service.code}/records`;
  const fieldOf = (name: string) => fields.find((f) => f.name === name);
  const labelOf = (name: string) => fieldOf(name)?.label ?? name;
  const filters = () => (filterField && filterValue.trim() ? { [`f.${filterField}`]: filterValue.trim() } : {});

  // The request as sent is what the console shows, so it is written out here rather than built by the
  // typed client, whose query types do not name the filters (`f.<field>`); the answer is typed from the routes.
  const caller = useSubmit(async (c: Call) => {
    exporter.clear();
    const started = performance.now();
    try {
      const body = await api<ServiceAnswer>(c.path, c.method === 'POST' ? { method: 'POST', json: c.body } : {});
      setAnswer({ call: c, ms: Math.round(performance.now() - started), body });
    } catch (e) {
      setAnswer(null);
      throw e;
    }
  });
  const call = (c: Call) => caller.run(c);
  const busy = caller.busy;
  const lookUp = () => call({ method: 'GET', path: `${base}?${query({ key: key.trim(), purpose })}` });
  const batch = () => {
    const list = [...new Set(keys.split(/[\s,，;；]+/).filter(Boolean))];
    return call({
      method: 'POST',
      path: `${base}/batch`,
      body: { keys: list, purpose },
    });
  };
  const filter = (page = 1) =>
    call({ method: 'GET', path: `${base}?${query({ ...filters(), page, pageSize, purpose })}` });
  const exporter = useSubmit(async () => {
    await download(
      `${base}?${query({ ...filters(), format: 'csv', pageSize: exportRows, purpose })}`,
      `${service.code}.csv`,
    );
    void message.success(t('exported'));
  });
  const exportCsv = () => exporter.run();
  const exporting = exporter.busy;
  const problem = caller.problem ?? exporter.problem;

  const keyCount = new Set(keys.split(/[\s,，;；]+/).filter(Boolean)).size;
  const valueField = filterField ? fieldOf(filterField) : undefined;
  const tabs = [
    {
      key: 'key',
      label: <span data-testid="console-tab-key">{t('byKey')}</span>,
      children: (
        <Form layout="inline" onFinish={lookUp}>
          <Form.Item label={labelOf(service.keyField)} required>
            <Input
              value={key}
              onChange={(e) => setKey(e.target.value)}
              style={{ width: 260 }}
              data-testid="console-key"
              allowClear
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} disabled={!key.trim()} data-testid="console-key-go">
            {t('query')}
          </Button>
        </Form>
      ),
    },
    {
      key: 'batch',
      label: <span data-testid="console-tab-batch">{t('byBatch')}</span>,
      children: (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Input.TextArea
            rows={5}
            value={keys}
            onChange={(e) => setKeys(e.target.value)}
            placeholder={t('batchHint', { max: MAX_BATCH })}
            style={{ fontFamily: 'monospace', maxWidth: 520 }}
            data-testid="console-keys"
          />
          <Space>
            <Button
              type="primary"
              onClick={batch}
              loading={busy}
              disabled={keyCount === 0 || keyCount > MAX_BATCH}
              data-testid="console-batch-go"
            >
              {t('query')}
            </Button>
            <Typography.Text type={keyCount > MAX_BATCH ? 'danger' : 'secondary'}>
              {t('keyCount', { count: keyCount, max: MAX_BATCH })}
            </Typography.Text>
          </Space>
        </Space>
      ),
    },
    {
      key: 'filter',
      label: <span data-testid="console-tab-filter">{t('byFilter')}</span>,
      children: (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Form layout="inline" onFinish={() => filter(1)}>
            <Form.Item label={t('field')}>
              <Select
                value={filterField}
                onChange={(v) => (setFilterField(v), setFilterValue(''))}
                style={{ width: 220 }}
                data-testid="console-filter-field"
                options={filterable.map((f) => ({ value: f, label: `${labelOf(f)} (${f})` }))}
              />
            </Form.Item>
            <Form.Item label={t('value')}>
              {valueField?.type === 'boolean' ? (
                <Select
                  value={filterValue || undefined}
                  onChange={setFilterValue}
                  allowClear
                  style={{ width: 120 }}
                  data-testid="console-filter-value"
                  options={[
                    { value: 'true', label: t('yes') },
                    { value: 'false', label: t('no') },
                  ]}
                />
              ) : valueField?.codeList?.length ? (
                <Select
                  value={filterValue || undefined}
                  onChange={setFilterValue}
                  allowClear
                  style={{ width: 200 }}
                  data-testid="console-filter-value"
                  options={valueField.codeList.map((c) => ({ value: c, label: c }))}
                />
              ) : (
                <Input
                  value={filterValue}
                  onChange={(e) => setFilterValue(e.target.value)}
                  placeholder={valueField?.type === 'date' ? 'YYYY-MM-DD' : t('anyValue')}
                  allowClear
                  style={{ width: 220 }}
                  data-testid="console-filter-value"
                />
              )}
            </Form.Item>
            <Form.Item label={t('pageSize')}>
              <InputNumber
                min={1}
                max={MAX_PAGE}
                value={pageSize}
                onChange={(v) => setPageSize(v ?? 20)}
                data-testid="console-page-size"
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="console-filter-go">
              {t('query')}
            </Button>
          </Form>
          <Space wrap>
            <Typography.Text type="secondary">{t('exportRows')}</Typography.Text>
            <InputNumber
              min={1}
              max={MAX_EXPORT}
              step={100}
              value={exportRows}
              onChange={(v) => setExportRows(v ?? 1000)}
              data-testid="console-export-rows"
            />
            <Tooltip title={t('watermarkHelp')}>
              <Button icon={<DownloadOutlined />} loading={exporting} onClick={exportCsv} data-testid="console-export">
                {t('exportCsv')}
              </Button>
            </Tooltip>
          </Space>
        </Space>
      ),
    },
  ];

  return (
    <Card title={t('tryIt')} data-testid="service-console">
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Space>
          <Typography.Text>{t('purpose')}</Typography.Text>
          <Tooltip title={t('purposeDefault')}>
            <PurposeSelect
              value={purpose}
              onChange={(v) => setPurpose(String(v))}
              options={service.purposes}
              style={{ width: 320 }}
              testId="console-purpose"
            />
          </Tooltip>
        </Space>
        <Tabs
          activeKey={mode}
          onChange={(k) => (setMode(k as Mode), setAnswer(null), caller.clear(), exporter.clear())}
          items={tabs}
        />
        {problem && <ProblemAlert problem={problem} testId="console-error" />}
        {answer && (
          <AnswerView
            answer={answer}
            labelOf={labelOf}
            order={fields.map((f) => f.name)}
            masked={service.masked}
            onPage={mode === 'filter' ? filter : undefined}
          />
        )}
      </Space>
    </Card>
  );
}

/** The answer as a table and as the raw JSON, with the request that produced it. */
function AnswerView({
  answer,
  labelOf,
  order,
  masked,
  onPage,
}: {
  answer: Answer;
  labelOf: (name: string) => string;
  order: string[];
  masked: string[];
  onPage?: (page: number) => void;
}) {
  const { t } = useTranslation();
  const { body, call } = answer;
  const rank = (f: string) => (order.includes(f) ? order.indexOf(f) : order.length);
  const columns = [...body.fields]
    .sort((a, b) => rank(a) - rank(b))
    .map((f) => ({
      key: f,
      dataIndex: f,
      title: masked.includes(f) ? (
        <Tooltip title={t('maskedHelp')}>
          <span style={{ whiteSpace: 'nowrap' }}>
            {labelOf(f)} <EyeInvisibleOutlined style={{ color: '#d46b08' }} />
          </span>
        </Tooltip>
      ) : (
        <span style={{ whiteSpace: 'nowrap' }}>{labelOf(f)}</span>
      ),
      render: (v: unknown) => (v === null || v === undefined ? '' : String(v)),
    }));
  // A filter's answer is paged; a batch's names the keys without a record.
  const page = 'page' in body ? body.page : undefined;
  const hasMore = 'hasMore' in body && body.hasMore === true;
  const notFound = 'notFound' in body ? body.notFound : [];
  const json = JSON.stringify(body, null, 2);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="console-answer">
      <Space wrap>
        <Tag color="success">200</Tag>
        <Typography.Text code>
          {call.method} {decodeURIComponent(call.path)}
        </Typography.Text>
        <Typography.Text type="secondary">
          {t('answerSummary', { count: body.items.length, ms: answer.ms })}
          {body.grant !== null && ` · ${t('grantNo', { id: body.grant })}`}
        </Typography.Text>
      </Space>
      {notFound.length > 0 && (
        <Typography.Text type="warning" data-testid="console-not-found">
          {t('notFoundKeys')}:{' '}
          {notFound.map((k) => (
            <Tag key={k}>{k}</Tag>
          ))}
        </Typography.Text>
      )}
      <Tabs
        size="small"
        tabBarExtraContent={<Typography.Text copyable={{ text: json, tooltips: [t('copyJson'), t('copied')] }} />}
        items={[
          {
            key: 'table',
            label: t('asTable'),
            children: (
              <Table
                rowKey={(_, i) => String(i)}
                size="small"
                scroll={{ x: true }}
                pagination={false}
                dataSource={body.items}
                columns={columns}
                data-testid="console-result"
                locale={{ emptyText: t('noRecord') }}
              />
            ),
          },
          {
            key: 'raw',
            label: <span data-testid="console-raw-tab">{t('asJson')}</span>,
            children: (
              <pre
                data-testid="console-raw"
                style={{
                  maxHeight: 360,
                  overflow: 'auto',
                  margin: 0,
                  background: '#f6f8fa',
                  padding: 12,
                  borderRadius: 6,
                }}
              >
                {json}
              </pre>
            ),
          },
        ]}
      />
      {onPage && page !== undefined && (page > 1 || hasMore) && (
        <Space>
          <Button size="small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
            {t('prevPage')}
          </Button>
          <Typography.Text>{t('pageNo', { page })}</Typography.Text>
          <Button size="small" disabled={!hasMore} onClick={() => onPage(page + 1)} data-testid="console-next">
            {t('nextPage')}
          </Button>
        </Space>
      )}
    </Space>
  );
}
