import { App } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dataChanged } from './data-version';
import { problemOf, type Problem } from './http';

export interface ActionOptions<A extends unknown[], R> {
  /** The toast after success, from the action's arguments and its answer. */
  success: (answer: R, ...args: A) => string;
  /** Runs after the action whether it succeeded or not, e.g. a list's refetch, so the page shows what is true now. */
  then?: () => unknown;
}

export interface Action<A extends unknown[]> {
  /** Runs the action; true when it succeeded. A refusal is shown as a toast, never thrown. */
  run: (...args: A) => Promise<boolean>;
  busy: boolean;
}

/**
 * A button's action on the hub outside a form (approve, suspend, acknowledge…): a success toast,
 * or the refusal's problem as a toast in the user's language (the code's text, else the server's),
 * then a reload. For an action inside a form use `useSubmit` or `FormModal`, which keep the problem
 * beside the fields instead.
 *
 *   const approve = useAction((r: Resource) => act(r.code, 'approve'), {
 *     success: (_, r) => `${t('done.approve')}: ${r.name}`,
 *     then: queue.refetch,
 *   });
 *   <Button loading={approve.busy} onClick={() => approve.run(r)} />
 */
export function useAction<A extends unknown[], R>(
  action: (...args: A) => Promise<R>,
  options: ActionOptions<A, R>,
): Action<A> {
  const { message } = App.useApp();
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const run = async (...args: A) => {
    setBusy(true);
    try {
      const answer = await action(...args);
      void message.success(options.success(answer, ...args));
      dataChanged();
      return true;
    } catch (e) {
      void message.error(problemText(t, problemOf(e)));
      return false;
    } finally {
      setBusy(false);
      await options.then?.();
    }
  };
  return { run, busy };
}

type Translate = ReturnType<typeof useTranslation>['t'];

/** One line for a problem: the zh text of its code, else what the server said. */
export function problemText(t: Translate, problem: Problem): string {
  const fallback = problem.detail ?? problem.title;
  return problem.code ? t(`problem.${problem.code}`, { defaultValue: fallback }) : fallback;
}
