import { Button, Form, Modal, type FormInstance } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSubmit } from '../api';
import { ProblemAlert } from './problem-alert';

export interface FormModalProps<V> {
  open: boolean;
  title: ReactNode;
  /** The form of the fields inside; the modal submits it and shows the problem of a refused submit. */
  form: FormInstance<V>;
  /** Sends the values; a thrown problem keeps the modal open with the problem above the fields. */
  onSubmit: (values: V) => Promise<unknown>;
  /** After a successful submit, with the form already reset. */
  onDone: () => void;
  onCancel: () => void;
  okText?: ReactNode;
  /** The submit button's test id. */
  okTestId?: string;
  problemTestId?: string;
  /** What a successful submit came to (e.g. the filed request): shown instead of the form until closed. */
  done?: ReactNode;
  /** The buttons under `done`; by default one that closes. */
  doneFooter?: ReactNode[];
  danger?: boolean;
  width?: number;
  children: ReactNode;
}

/** The one modal for a form that submits to the hub: cancel, submit with its busy state, the problem. */
export function FormModal<V>(props: FormModalProps<V>) {
  const { t } = useTranslation();
  const submit = useSubmit(props.onSubmit);
  const finish = async (values: V) => {
    if (!(await submit.run(values))) return;
    props.form.resetFields();
    props.onDone();
  };
  // Validation first: a form with missing or bad fields marks them and stays open — its rejection
  // is the answer, not an error to escape the page (an empty dialog submitted once did that).
  const send = async () => {
    let values: V;
    try {
      values = await props.form.validateFields();
    } catch {
      return;
    }
    await finish(values);
  };
  const cancel = () => {
    submit.clear();
    props.onCancel();
  };
  return (
    <Modal
      open={props.open}
      title={props.title}
      width={props.width}
      onCancel={cancel}
      forceRender
      footer={
        props.done
          ? (props.doneFooter ?? [
              <Button key="close" type="primary" onClick={cancel}>
                {t('close')}
              </Button>,
            ])
          : [
              <Button key="cancel" onClick={cancel}>
                {t('cancel')}
              </Button>,
              <Button
                key="ok"
                type="primary"
                danger={props.danger}
                loading={submit.busy}
                onClick={() => void send()}
                data-testid={props.okTestId}
              >
                {props.okText ?? t('submit')}
              </Button>,
            ]
      }
    >
      {props.done}
      {/* Hidden, not unmounted, so that the form instance stays connected while the result shows. */}
      <div hidden={!!props.done}>
        {submit.problem && (
          <ProblemAlert problem={submit.problem} testId={props.problemTestId} style={{ marginBottom: 16 }} />
        )}
        <Form form={props.form} layout="vertical" onFinish={finish}>
          {props.children}
        </Form>
      </div>
    </Modal>
  );
}
