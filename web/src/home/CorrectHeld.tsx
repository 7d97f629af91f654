import { Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, type Answer } from '../api';
import type { Correction } from '../quality/types';
import { CorrectionFiled } from '../quality/common';
import { FormModal } from '../ui/form-modal';

type Records = Answer<'/api/v1/me/records'>;
/** One value a department holds about the citizen (GET /api/v1/me/records). */
export type Held = Records['providers'][number]['elements'][number];
/** What a correction from a value starts from: the value, its department and the citizen's own key. */
export interface HeldTarget {
  held: Held;
  provider: string;
  key: string;
}

interface Values {
  proposedValue?: string;
  note?: string;
}

/** The value as the page shows it, which the report quotes as the value seen. */
export const shownValue = (value: unknown) => (value === null || value === undefined ? '' : String(value));

/**
 * 纠错 on a value the citizen sees held about them: the report names that very value — its
 * resource, the citizen's own key, the field behind it, the value shown — so only the right
 * value and a reason are asked. It enters the correction workflow (due in 2 working days);
 * the citizen follows it under 我的纠错.
 */
export function CorrectHeld({ target, onClose }: { target: HeldTarget | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [filed, setFiled] = useState<Correction | null>(null);
  const close = () => {
    setFiled(null);
    form.resetFields();
    onClose();
  };
  const submit = async (v: Values) => {
    if (!target?.held.field) return;
    const proposed = v.proposedValue?.trim();
    const note = v.note?.trim();
    setFiled(
      await ok(
        client.POST('/api/v1/corrections', {
          body: {
            resource: target.held.resource.code,
            key: target.key,
            field: target.held.field,
            claimedValue: shownValue(target.held.value),
            ...(proposed ? { proposedValue: proposed } : {}),
            ...(note ? { note } : {}),
          },
        }),
      ),
    );
  };
  return (
    <FormModal
      open={target !== null}
      title={t('myRecord.correctTitle', { name: target?.held.name ?? '' })}
      form={form}
      onSubmit={submit}
      onDone={() => undefined}
      onCancel={close}
      okTestId="held-correct-submit"
      done={filed && <CorrectionFiled filed={filed} testId="held-correct-filed" />}
    >
      {target && (
        <>
          <Typography.Paragraph type="secondary">
            {t('myRecord.correctHelp', { provider: target.provider })}
          </Typography.Paragraph>
          <Form.Item label={t('myRecord.shown')}>
            <Typography.Text strong style={{ wordBreak: 'break-all' }} data-testid="held-correct-shown">
              {shownValue(target.held.value) || '—'}
            </Typography.Text>
          </Form.Item>
        </>
      )}
      <Form.Item name="proposedValue" label={t('myRecord.proposed')}>
        <Input maxLength={500} data-testid="held-correct-proposed" />
      </Form.Item>
      <Form.Item
        name="note"
        label={t('myRecord.reason')}
        extra={t('myRecord.reasonHelp')}
        rules={[{ required: true, whitespace: true }]}
      >
        <Input.TextArea rows={3} maxLength={1000} showCount data-testid="held-correct-reason" />
      </Form.Item>
    </FormModal>
  );
}
