import { createContext, useContext } from 'react';
import type { User } from './api';

export interface Session {
  user: User | null;
  setUser: (u: User | null) => void;
}

export const SessionContext = createContext<Session>({ user: null, setUser: () => {} });
export const useSession = () => useContext(SessionContext);
export const hasRole = (user: User | null, ...roles: string[]) => !!user && roles.some((r) => user.roles.includes(r));
