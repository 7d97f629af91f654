import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { useDataVersion } from './data-version';
import { problemOf, type Problem } from './http';

export interface Query<T> {
  /** The last answer; kept while a refetch runs, so a table does not flash empty. */
  data: T | undefined;
  loading: boolean;
  problem: Problem | null;
  refetch: () => Promise<void>;
}

/**
 * Loads on mount and whenever `deps` change. An answer that arrives after a newer request started
 * is dropped, so a quick change of filters never shows the older result.
 *
 * It also loads again, quietly, after any successful action anywhere in the app (data-version.ts),
 * so that every figure on screen shows the state after it. Quietly: `loading` stays false and the
 * last answer stays, so that nothing that waits on `loading` (a spinner in place of the app, an
 * open dialog's page) is unmounted by a refresh.
 */
export function useQuery<T>(load: () => Promise<T>, deps: DependencyList): Query<T> {
  const [data, setData] = useState<T>();
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);
  const latest = useRef(0);
  const stable = useCallback(load, deps);
  const run = useCallback(
    async (quiet: boolean) => {
      const request = ++latest.current;
      if (!quiet) setLoading(true);
      try {
        const answer = await stable();
        if (request !== latest.current) return;
        setData(answer);
        setProblem(null);
      } catch (e) {
        if (request === latest.current) setProblem(problemOf(e));
      } finally {
        if (request === latest.current) setLoading(false);
      }
    },
    [stable],
  );
  const refetch = useCallback(() => run(false), [run]);
  useEffect(() => void run(false), [run]);
  const version = useDataVersion();
  const seen = useRef(version);
  useEffect(() => {
    if (seen.current === version) return;
    seen.current = version;
    void run(true);
  }, [version, run]);
  return { data, loading, problem, refetch };
}
