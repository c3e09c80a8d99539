/**
 * Who is logged in. With a token: GET /auth/me gives the user and roles. Without one the app works
 * against an open server (before issue 8), and the first 401 sends the user to the login page.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api, type Me } from '../api/client';
import { ApiError } from '../api/errors';

interface Auth {
  /** The user, or null when not logged in. */
  user: Me | null;
  loading: boolean;
  /** Roles of the user; null when not logged in (open server: every workspace is shown). */
  roles: string[] | null;
  /** The server wants a login that we do not have (GET /auth/me → 401). */
  needsLogin: boolean;
  /** Org units of the user's grants (the cockpit opens at the first one it knows). */
  orgUnits: string[];
  login(username: string, password: string): Promise<void>;
  logout(): void;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [loggedIn, setLoggedIn] = useState(api.loggedIn);

  // A 401 that a refresh cannot fix (or a server that wants a login we do not have): forget the
  // user and go to the login page, then come back.
  useEffect(() => {
    api.onUnauthorized = (expired) => {
      setLoggedIn(false);
      if (location.pathname === '/login') return;
      const next = encodeURIComponent(location.pathname + location.search);
      navigate(`/login?next=${next}${expired ? '&expired=1' : ''}`, { replace: true });
    };
    return () => {
      api.onUnauthorized = undefined;
    };
  }, [navigate, location]);

  // Asked with or without a token: 404 = open server (null), 401 = this server needs a login.
  const me = useQuery({ queryKey: ['auth', 'me', loggedIn], queryFn: () => api.me(), staleTime: 5 * 60_000, retry: false });

  const login = useCallback(
    async (username: string, password: string) => {
      await api.login(username, password);
      queryClient.clear();
      setLoggedIn(true);
    },
    [queryClient],
  );
  const logout = useCallback(() => {
    void api.logout();
    queryClient.clear();
    setLoggedIn(false);
    navigate('/login');
  }, [navigate, queryClient]);

  const value = useMemo<Auth>(() => {
    const user = loggedIn ? (me.data ?? null) : null;
    return {
      user,
      loading: me.isPending,
      needsLogin: me.error instanceof ApiError && me.error.status === 401,
      roles: user ? user.roles.map((r) => r.role) : null,
      orgUnits: user ? user.roles.map((r) => r.orgUnit).filter((o): o is string => !!o) : [],
      login,
      logout,
    };
  }, [loggedIn, me.data, me.isPending, me.error, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
