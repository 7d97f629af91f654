import { InboxOutlined } from '@ant-design/icons';
import { Alert, Card, Descriptions, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemOf, type Answer, type Problem } from '../api';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';

type Identification = Answer<'/api/v1/monitoring/exports/identify', 'post'>;

/**
 * 水印溯源 (issue #14): an auditor uploads a leaked CSV file and sees which export it came from —
 * the resource, the consumer and who took it, by name, and when — with the evidence behind it.
 * The file goes to POST /api/v1/monitoring/exports/identify; nothing of it is kept.
 */
export default function WatermarkPage() {
  const { t } = useTranslation();
  const [found, setFound] = useState<{ file: string; answer: Identification } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  // Not useSubmit: identifying changes no data, so nothing is refetched (and the answer stays shown).
  const identify = async (file: File) => {
    setBusy(true);
    setFound(null);
    setProblem(null);
    try {
      const body = new FormData();
      body.append('file', file, file.name);
      // Multipart, which the typed client does not send: the OpenAPI document declares no body.
      const answer = await api<Identification>('/api/v1/monitoring/exports/identify', { method: 'POST', body });
      setFound({ file: file.name, answer });
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={t('watermark.title')}>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 760 }}>
        {t('watermark.intro')}
      </Typography.Paragraph>
      <div data-testid="watermark-upload">
        <Upload.Dragger
          accept=".csv,.tsv,.txt,text/csv,text/plain"
          showUploadList={false}
          disabled={busy}
          customRequest={({ file }) => void identify(file as File)}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('watermark.upload')}</p>
          <p className="ant-upload-hint">{t('watermark.uploadHint')}</p>
        </Upload.Dragger>
      </div>
      {problem && <ProblemAlert problem={problem} testId="watermark-problem" />}
      {found && <Reading file={found.file} answer={found.answer} />}
    </Page>
  );
}

function Reading({ file, answer }: { file: string; answer: Identification }) {
  const { t } = useTranslation();
  const source = answer.export;
  const e = answer.evidence;
  return (
    <Card data-testid="watermark-result">
      {source ? (
        <Alert type="success" showIcon title={t('watermark.found')} style={{ marginBottom: 16 }} />
      ) : (
        <Alert
          type="warning"
          showIcon
          title={t('watermark.notFound')}
          description={t('watermark.notFoundHelp', { candidates: answer.candidates })}
          style={{ marginBottom: 16 }}
          data-testid="watermark-not-found"
        />
      )}
      <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
        <Descriptions.Item label={t('watermark.file')}>
          <span style={{ wordBreak: 'break-all' }}>{file}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('watermark.rows')}>{answer.rows}</Descriptions.Item>
        {source && (
          <>
            <Descriptions.Item label={t('watermark.resource')}>
              <span data-testid="watermark-resource">{source.resourceName ?? source.resource}</span>{' '}
              <Typography.Text type="secondary">{source.resource}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('watermark.consumer')}>
              <span data-testid="watermark-consumer">{source.consumerName ?? source.consumer}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('watermark.createdBy')}>
              {source.createdByName ?? source.createdBy}{' '}
              <Typography.Text type="secondary">{source.createdBy}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('watermark.createdAt')}>
              {new Date(source.createdAt).toLocaleString()}
            </Descriptions.Item>
            <Descriptions.Item label={t('watermark.exportRows')}>{source.rows}</Descriptions.Item>
            <Descriptions.Item label={t('watermark.mark')}>
              <Typography.Text code copyable>
                {source.mark}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('watermark.confidence')}>
              {(answer.confidence * 100).toFixed(4)}%
            </Descriptions.Item>
          </>
        )}
        <Descriptions.Item label={t('watermark.candidates')}>{answer.candidates}</Descriptions.Item>
        {e && (
          <>
            <Descriptions.Item label={t('watermark.decoys')}>
              {t('watermark.decoysValue', { count: e.decoys })}
            </Descriptions.Item>
            <Descriptions.Item label={t('watermark.order')}>
              {t('watermark.orderValue', { agree: e.order.agree, pairs: e.order.pairs })}
            </Descriptions.Item>
            <Descriptions.Item label={t('watermark.spacing')}>
              {t('watermark.spacingValue', { agree: e.spacing.agree, cells: e.spacing.cells })}
            </Descriptions.Item>
          </>
        )}
      </Descriptions>
    </Card>
  );
}
