import { useSyncExternalStore } from 'react';

/**
 * One app-wide counter of changes the user made: every successful action (useAction, useSubmit
 * and so FormModal) bumps it, and every mounted useQuery depends on it, so that no page keeps
 * showing figures from before the action — a statistic card beside a list as much as the list.
 */
let version = 0;
const listeners = new Set<() => void>();

/** Tells every mounted query that the hub's data changed: they load again. */
export function dataChanged(): void {
  version++;
  for (const listener of listeners) listener();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => void listeners.delete(listener);
};

/** The change counter now, for a cache outside React that must not outlive a change (organization names). */
export const dataVersion = (): number => version;

/** The current change counter; a component that reads it renders again when it moves. */
export function useDataVersion(): number {
  return useSyncExternalStore(subscribe, () => version);
}
