import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Modal, Space, Table, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, download, problemOf, query, type Problem } from '../../api';

/** Exports the current search selection; the download needs the token, so it goes through fetch. */
export function ExportButtons({ filters }: { filters: Record<string, string> }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const run = (format: 'xlsx' | 'csv') =>
    download(`/api/v1/catalog/export?${query({ ...filters, format })}`, `catalog.${format}`).catch((e) =>
      message.error(problemOf(e).detail ?? problemOf(e).title),
    );
  return (
    <Space.Compact>
      <Button icon={<DownloadOutlined />} onClick={() => run('xlsx')} data-testid="export-xlsx">
        {t('exportXlsx')}
      </Button>
      <Button onClick={() => run('csv')} data-testid="export-csv">
        CSV
      </Button>
    </Space.Compact>
  );
}

/** Imports an XLSX in the template; a refused file lists every problem by sheet, row and column. */
export function ImportButton({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const run = async (file: File) => {
    const body = new FormData();
    body.append('file', file);
    setBusy(true);
    try {
      const res = await api<{ resources: Array<{ code: string; name: string }> }>('/api/v1/catalog/import', {
        method: 'POST',
        body,
      });
      void message.success(t('imported', { count: res.resources.length }));
      onImported();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };
  const template = () =>
    download('/api/v1/catalog/template.xlsx', 'catalog-template.xlsx').catch((e) => setProblem(problemOf(e)));
  return (
    <>
      <Space.Compact>
        <Upload
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          showUploadList={false}
          customRequest={({ file }) => void run(file as File)}
        >
          <Button icon={<UploadOutlined />} loading={busy} data-testid="import-xlsx">
            {t('importXlsx')}
          </Button>
        </Upload>
        <Button onClick={template} data-testid="import-template">
          {t('template')}
        </Button>
      </Space.Compact>
      <Modal open={!!problem} title={t('importFailed')} width={860} footer={null} onCancel={() => setProblem(null)}>
        {problem && (
          <Space orientation="vertical" style={{ width: '100%' }} data-testid="import-problems">
            <Alert type="error" title={problem.title} description={problem.detail} />
            {!!problem.errors?.length && (
              <Table
                rowKey={(_, i) => String(i)}
                size="small"
                pagination={false}
                scroll={{ y: 400 }}
                dataSource={problem.errors}
                columns={[
                  { title: t('sheet'), dataIndex: 'sheet', width: 140 },
                  { title: t('row'), dataIndex: 'row', width: 70 },
                  { title: t('column'), dataIndex: 'column', width: 90 },
                  { title: t('field'), dataIndex: 'field', width: 160 },
                  { title: t('reason'), dataIndex: 'reason' },
                ]}
              />
            )}
          </Space>
        )}
      </Modal>
    </>
  );
}
