import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useAccessible } from './mode';

/**
 * 返回首页 for a citizen's page in the large text mode, where the home is the list of tasks: one
 * task per screen, and the way back to the others in plain sight. Nothing in standard mode.
 */
export function useTaskBack() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  if (!useAccessible().accessible) return undefined;
  return (
    <Button size="large" icon={<ArrowLeftOutlined />} onClick={() => navigate('/')} data-testid="task-back">
      {t('a11y.back')}
    </Button>
  );
}
