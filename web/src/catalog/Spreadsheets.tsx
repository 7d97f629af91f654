import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Modal, Space, Table, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { client, download, ok, problemOf, problemText, query, useSubmit } from '../api';
import { ProblemAlert } from '../ui/problem-alert';

/** Exports the current search selection; the download needs the token, so it goes through fetch. */
export function ExportButtons({ filters }: { filters: Record<string, string> }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const run = (format: 'xlsx' | 'csv') =>
    download(`/api/v1/catalog/export?${query({ ...filters, format })}`, `catalog.${format}`).catch((e) =>
      message.error(problemText(t, problemOf(e))),
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
  const importing = useSubmit(async (file: File) => {
    const body = new FormData();
    body.append('file', file);
    // The contract leaves the multipart body undescribed; openapi-fetch sends a FormData as it is.
    const res = await ok(client.POST('/api/v1/catalog/import', { body: body as never }));
    void message.success(t('imported', { count: res.resources.length }));
    onImported();
  });
  const template = useSubmit(() => download('/api/v1/catalog/template.xlsx', 'catalog-template.xlsx'));
  const problem = importing.problem ?? template.problem;
  const close = () => (importing.clear(), template.clear());
  return (
    <>
      <Space.Compact>
        <Upload
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          showUploadList={false}
          customRequest={({ file }) => void importing.run(file as File)}
        >
          <Button icon={<UploadOutlined />} loading={importing.busy} data-testid="import-xlsx">
            {t('importXlsx')}
          </Button>
        </Upload>
        <Button onClick={() => void template.run()} loading={template.busy} data-testid="import-template">
          {t('template')}
        </Button>
      </Space.Compact>
      <Modal open={!!problem} title={t('importFailed')} width={860} footer={null} onCancel={close}>
        {problem && (
          <Space orientation="vertical" style={{ width: '100%' }} data-testid="import-problems">
            {/* Each bad cell is in the table below, by sheet, row and column, so not in the alert too. */}
            <ProblemAlert problem={{ ...problem, errors: undefined }} />
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
