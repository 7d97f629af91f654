import { App, Button, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { client, ok, useAction } from '../api';
import { ReasonModal } from '../share/common';
import type { Resource } from './types';

export type Action = 'submit' | 'approve' | 'return' | 'publish';

/** One workflow step; `return` carries the reason. */
export const act = (code: string, action: Action, reason?: string): Promise<Resource> => {
  const params = { path: { code } };
  return action === 'return'
    ? ok(client.POST('/api/v1/catalog/resources/{code}/return', { params, body: { reason: reason ?? '' } }))
    : ok(client.POST(`/api/v1/catalog/resources/{code}/${action}`, { params }));
};

/** Asks the operator why a registration goes back to its provider. */
export function ReturnModal({
  open,
  onCancel,
  onReturn,
}: {
  open: boolean;
  onCancel: () => void;
  onReturn: (reason: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  return (
    <ReasonModal
      open={open}
      title={t('returnTitle')}
      okText={t('action.return')}
      label={t('returnReason')}
      hint={t('returnReasonRequired')}
      testId="return"
      onCancel={onCancel}
      onOk={onReturn}
    />
  );
}

/** The buttons the caller may press on this resource, by the flags the hub computed for them. */
export function WorkflowButtons({ resource, onChanged }: { resource: Resource; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [pressed, setPressed] = useState<Action | null>(null);
  const [returning, setReturning] = useState(false);
  const step = useAction((action: Action) => act(resource.code, action), {
    success: (_, action) => t(`done.${action}`),
    then: onChanged,
  });
  const button = (action: Action, primary = false) => (
    <Button
      type={primary ? 'primary' : 'default'}
      loading={step.busy && pressed === action}
      onClick={() => {
        setPressed(action);
        void step.run(action);
      }}
      data-testid={`wf-${action}`}
    >
      {t(`action.${action}`)}
    </Button>
  );
  return (
    <Space wrap>
      {resource.canEdit && (
        <Button onClick={() => navigate(`/catalog/${resource.code}/edit`)} data-testid="wf-edit">
          {t('edit')}
        </Button>
      )}
      {resource.canSubmit && button('submit', true)}
      {resource.canReview && button('approve', true)}
      {resource.canReview && (
        <Button danger onClick={() => setReturning(true)} data-testid="wf-return">
          {t('action.return')}
        </Button>
      )}
      {resource.canPublish && button('publish', true)}
      <ReturnModal
        open={returning}
        onCancel={() => setReturning(false)}
        onReturn={async (reason) => {
          await act(resource.code, 'return', reason);
          setReturning(false);
          void message.success(t('done.return'));
          onChanged();
        }}
      />
    </Space>
  );
}
