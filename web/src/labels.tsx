import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const LEVEL_COLOR: Record<string, string> = { general: 'green', important: 'orange', core: 'red' };
const SHARE_COLOR: Record<string, string> = { unconditional: 'blue', conditional: 'geekblue', none: 'default' };
const SENSITIVITY_COLOR = ['', 'default', 'blue', 'orange', 'red'];

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
export function SensitivityTag({ value }: { value: number }) {
  return <Tag color={SENSITIVITY_COLOR[value]}>{`L${value}`}</Tag>;
}
