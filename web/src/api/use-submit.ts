import { useCallback, useState } from 'react';
import { dataChanged } from './data-version';
import { problemOf, type Problem } from './http';

export interface Submit<A extends unknown[]> {
  /** Runs the action; true when it succeeded, else its problem is kept for the form to show. */
  run: (...args: A) => Promise<boolean>;
  busy: boolean;
  problem: Problem | null;
  clear: () => void;
}

export function useSubmit<A extends unknown[]>(action: (...args: A) => Promise<unknown>): Submit<A> {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const run = async (...args: A) => {
    setBusy(true);
    setProblem(null);
    try {
      await action(...args);
      dataChanged();
      return true;
    } catch (e) {
      setProblem(problemOf(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const clear = useCallback(() => setProblem(null), []);
  return { run, busy, problem, clear };
}
