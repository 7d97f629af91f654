import { Space, Tag, Tooltip, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';

const LEVEL_COLOR: Record<string, string> = { general: 'green', important: 'orange', core: 'red' };
const SHARE_COLOR: Record<string, string> = { unconditional: 'blue', conditional: 'geekblue', none: 'default' };
const SENSITIVITY_COLOR = ['', 'default', 'blue', 'orange', 'red'];
const STATUS_COLOR: Record<string, string> = {
  draft: 'default',
  submitted: 'processing',
  returned: 'error',
  approved: 'cyan',
  published: 'success',
};
const ACTION_COLOR: Record<string, string> = {
  create: 'blue',
  import: 'blue',
  edit: 'geekblue',
  submit: 'processing',
  approve: 'cyan',
  return: 'error',
  publish: 'success',
};
export const LEVELS = ['general', 'important', 'core'];

export function LevelTag({ value }: { value: string }) {
  const { t } = useTranslation();
  return <Tag color={LEVEL_COLOR[value]}>{t(`level.${value}`)}</Tag>;
}
export function ShareTag({ value }: { value: string }) {
  const { t } = useTranslation();
  return <Tag color={SHARE_COLOR[value]}>{t(`share.${value}`)}</Tag>;
}
export function OpenTag({ value }: { value: string }) {
  const { t } = useTranslation();
  return <Tag>{t(`open.${value}`)}</Tag>;
}
/** A field's type by its name (公民身份号码, 日期), the type's code on hover. */
export function FieldTypeTag({ value }: { value: string }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={value}>
      <Tag>{t(`fieldType.${value}`, { defaultValue: value })}</Tag>
    </Tooltip>
  );
}
export function SensitivityTag({ value }: { value: number }) {
  return <Tag color={SENSITIVITY_COLOR[value]}>{`L${value}`}</Tag>;
}
export function StatusTag({ value }: { value: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[value]} data-testid="status-tag">
      {t(`status.${value}`)}
    </Tag>
  );
}
export function ActionTag({ value }: { value: string }) {
  const { t } = useTranslation();
  return <Tag color={ACTION_COLOR[value]}>{t(`action.${value}`)}</Tag>;
}
/** The contradictions the hub found, as warnings; hovering one says what it means. */
export function FlagTags({ flags }: { flags: string[] }) {
  const { t } = useTranslation();
  if (!flags.length) return null;
  return (
    <Space size={[0, 4]} wrap>
      {flags.map((f) => (
        <Tooltip key={f} title={t(`flagHelp.${f}`, { defaultValue: f })}>
          <Tag color="warning" data-testid={`flag-${f}`}>
            {t(`flag.${f}`, { defaultValue: f })}
          </Tag>
        </Tooltip>
      ))}
    </Space>
  );
}
/** The suggested level beside the chosen one, when they differ. */
export function LevelWithSuggestion({ level, suggested }: { level: string; suggested: string }) {
  const { t } = useTranslation();
  return (
    <Space size={4}>
      <LevelTag value={level} />
      {suggested && suggested !== level && (
        <Tooltip title={t('suggestedLevel')}>
          <Tag variant="filled" color={LEVELS.indexOf(suggested) > LEVELS.indexOf(level) ? 'warning' : 'default'}>
            {t('suggested')}: {t(`level.${suggested}`)}
          </Tag>
        </Tooltip>
      )}
    </Space>
  );
}

/** A resource's name linking to its page, with its code beneath: how every list names a resource. */
export function ResourceName({ code, name, testId }: { code: string; name: string; testId: string }) {
  return (
    <>
      <Link to={`/catalog/${code}`} data-testid={testId}>
        {name}
      </Link>
      <div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {code}
        </Typography.Text>
      </div>
    </>
  );
}
