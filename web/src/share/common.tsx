import { CheckCircleFilled, ClockCircleOutlined, EyeInvisibleOutlined } from '@ant-design/icons';
import { Form, Input, Space, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Demand, DemandState, DemandStep, GrantState } from './types';
import { FormModal } from '../ui/form-modal';

const DEMAND_COLOR: Record<DemandState, string> = {
  basis_review: 'purple',
  filed: 'processing',
  confirmed: 'cyan',
  refused: 'error',
  published: 'success',
};
const GRANT_COLOR: Record<GrantState, string> = { active: 'green', suspended: 'orange', revoked: 'default' };

export function DemandStateTag({ value }: { value: DemandState }) {
  const { t } = useTranslation();
  return (
    <Tag color={DEMAND_COLOR[value]} data-testid="demand-state">
      {t(`demandState.${value}`)}
    </Tag>
  );
}

export function GrantStateTag({ value }: { value: GrantState }) {
  const { t } = useTranslation();
  return (
    <Tag color={GRANT_COLOR[value]} data-testid="grant-state">
      {t(`state.${value}`)}
    </Tag>
  );
}

/** A timestamp's local date as YYYY-MM-DD, the form the hub gives due dates in. */
export function localDate(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * A demand's deadlines: each step with its due date, the working days left, red once overdue,
 * and the date it was done.
 */
export function DemandSteps({ demand }: { demand: Demand }) {
  const { t } = useTranslation();
  // Nothing to count yet (a legal basis in review has no due date), or no step at all.
  if (demand.steps.every((s) => !s.dueDate && !s.doneAt)) {
    return (
      <Typography.Text type="secondary" style={{ display: 'inline-block', maxWidth: 180 }}>
        {t(`noSteps.${demand.state}`, { defaultValue: '—' })}
      </Typography.Text>
    );
  }
  return (
    <Space orientation="vertical" size={2}>
      {demand.steps.map((s) => (
        <StepLine key={s.step} step={s} testId={`due-${demand.id}-${s.step}`} />
      ))}
    </Space>
  );
}

function StepLine({ step, testId }: { step: DemandStep; testId: string }) {
  const { t } = useTranslation();
  const name = t(`step.${step.step}`);
  if (step.doneAt) {
    return (
      <div style={{ whiteSpace: 'nowrap', lineHeight: 1.4 }} data-testid={testId}>
        <CheckCircleFilled style={{ color: '#52c41a', marginRight: 4 }} />
        <Typography.Text type="secondary">
          {name} · {t('doneOn', { date: localDate(step.doneAt) })}
        </Typography.Text>
        {step.dueDate && (
          <div style={{ paddingLeft: 18, fontSize: 12 }}>
            <Typography.Text type="secondary">
              {t('due')} {step.dueDate}
            </Typography.Text>
          </div>
        )}
      </div>
    );
  }
  const left = step.workingDaysLeft;
  const note =
    left === null
      ? ''
      : step.overdue
        ? t('overdueBy', { count: -left })
        : left === 0
          ? t('dueToday')
          : t('daysLeft', { count: left });
  return (
    <div style={{ whiteSpace: 'nowrap', lineHeight: 1.4 }} data-testid={testId}>
      <ClockCircleOutlined style={{ color: step.overdue ? '#cf1322' : '#1d4e89', marginRight: 4 }} />
      <Typography.Text type={step.overdue ? 'danger' : undefined} strong={step.overdue}>
        {name} · {t('due')} {step.dueDate ?? '—'}
      </Typography.Text>
      {note && (
        <div style={{ paddingLeft: 18, fontSize: 12 }}>
          <Typography.Text
            type={step.overdue ? 'danger' : 'secondary'}
            data-testid={step.overdue ? 'overdue' : undefined}
          >
            {note}
          </Typography.Text>
        </div>
      )}
    </div>
  );
}

/** Field names as tags, by their labels where known (the name on hover); masked ones marked. */
export function FieldTags({
  fields,
  masked = [],
  labels = {},
}: {
  fields: string[];
  masked?: string[];
  labels?: Record<string, string>;
}) {
  const { t } = useTranslation();
  if (fields.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={[0, 4]} wrap>
      {fields.map((f) => {
        const isMasked = masked.includes(f);
        const hint = [labels[f] ? f : '', isMasked ? t('maskedHelp') : ''].filter(Boolean).join(' · ');
        const tag = (key?: string) => (
          <Tag
            key={key}
            color={isMasked ? 'orange' : undefined}
            icon={isMasked ? <EyeInvisibleOutlined /> : undefined}
            data-testid={isMasked ? `masked-${f}` : undefined}
            data-field={f}
          >
            {labels[f] ?? f}
          </Tag>
        );
        return hint ? (
          <Tooltip key={f} title={hint}>
            {tag()}
          </Tooltip>
        ) : (
          tag(f)
        );
      })}
    </Space>
  );
}

/** Asks why — a refusal, a rejected legal basis, a returned registration; the reason goes to whoever asked. */
export function ReasonModal({
  open,
  title,
  okText,
  onCancel,
  onOk,
  label,
  hint,
  testId = 'reason',
}: {
  open: boolean;
  title: string;
  okText: string;
  onCancel: () => void;
  onOk: (reason: string) => Promise<void>;
  /** The field's label and the line under it; by default those of a refusal to a consumer. */
  label?: string;
  hint?: string;
  /** Prefix of the test ids: `<testId>-text`, `<testId>-ok`. */
  testId?: string;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <FormModal
      open={open}
      title={title}
      form={form}
      okText={okText}
      okTestId={`${testId}-ok`}
      danger
      onCancel={onCancel}
      onSubmit={({ reason }) => onOk(reason.trim())}
      onDone={() => {}}
    >
      <Form.Item
        name="reason"
        label={label ?? t('reason')}
        extra={hint ?? t('reasonShownToConsumer')}
        rules={[{ required: true, whitespace: true, min: 2, message: t('reasonRequired') }]}
      >
        <Input.TextArea rows={4} maxLength={1000} showCount data-testid={`${testId}-text`} />
      </Form.Item>
    </FormModal>
  );
}
