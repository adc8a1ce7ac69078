// The session: a bearer token from the OAuth client-credentials route, kept in sessionStorage (this tab only, gone
// when it closes; never in a URL). A GraphQL answer that says UNAUTHENTICATED ends the session with a message.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

const STORAGE_KEY = 'herald-console-session';

export interface Session {
  token: string;
  clientId: string;
}

interface AuthState {
  session: Session | undefined;
  /** Why the last session ended (shown on the sign-in form). */
  notice: string | undefined;
  signIn: (clientId: string, clientSecret: string) => Promise<void>;
  signOut: (notice?: string) => void;
}

const AuthContext = createContext<AuthState | undefined>(undefined);

function storedSession(): Session | undefined {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<Session> | null;
    return typeof value?.token === 'string' && typeof value.clientId === 'string' ? { token: value.token, clientId: value.clientId } : undefined;
  } catch {
    return undefined;
  }
}

/** Herald's `{"detail": ...}` in words (a string, or FastAPI's list of problems). */
function detailOf(body: unknown): string | undefined {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((item: unknown) => {
        const msg = (item as { msg?: unknown } | null)?.msg;
        return typeof msg === 'string' ? msg : JSON.stringify(item);
      })
      .join('; ');
  }
  return undefined;
}

export async function requestToken(clientId: string, clientSecret: string): Promise<string> {
  const response = await fetch('/api/v1/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' }),
    credentials: 'omit',
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) {
    const token = (body as { access_token?: unknown } | undefined)?.access_token;
    if (typeof token === 'string') return token;
    throw new Error('Herald answered without a token.');
  }
  if (response.status === 401) throw new Error('Unknown client id or wrong secret.');
  if (response.status === 429) throw new Error(`Too many failed attempts: wait and try again. ${detailOf(body) ?? ''}`.trim());
  throw new Error(`Sign-in failed (HTTP ${response.status}): ${detailOf(body) ?? response.statusText}`);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | undefined>(storedSession);
  const [notice, setNotice] = useState<string | undefined>();

  const signIn = useCallback(async (clientId: string, clientSecret: string) => {
    const token = await requestToken(clientId, clientSecret);
    const next = { token, clientId };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    setNotice(undefined);
    setSession(next);
  }, []);

  const signOut = useCallback((why?: string) => {
    sessionStorage.removeItem(STORAGE_KEY);
    setNotice(why);
    setSession(undefined);
  }, []);

  const value = useMemo(() => ({ session, notice, signIn, signOut }), [session, notice, signIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}

export const EXPIRED_NOTICE = 'Your session has expired or its token is no longer valid. Sign in again.';
