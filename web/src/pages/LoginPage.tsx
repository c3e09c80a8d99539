/** Login (issue 8 contract: POST /auth/login). On a server without login, the user may go on without. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/errors';
import { tokenStore } from '../api/token-store';
import { useAuth } from '../components/AuthProvider';
import { LanguageSwitch } from '../components/Layout';
import { useI18n } from '../i18n';

export function LoginPage() {
  const { t } = useI18n();
  const { login, loading } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next') ?? '/';
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(params.get('expired') ? t('login.expired') : null);
  const [unavailable, setUnavailable] = useState(false);
  // OpenID Connect (docs/access.md): the button when the server has an identity provider, and the
  // one-time code the server's callback put in the URL fragment, exchanged by POST for our tokens.
  const [oidcName, setOidcName] = useState<string | null>(null);
  const [handoff] = useState(() => {
    const hash = new URLSearchParams(location.hash.slice(1));
    return hash.get('oidc_code') ? { code: hash.get('oidc_code')!, next: hash.get('next') ?? '/' } : null;
  });
  const [oidcBusy, setOidcBusy] = useState(handoff !== null);
  const exchanged = useRef(false);
  useEffect(() => {
    if (handoff) history.replaceState(null, '', location.pathname + location.search); // the code leaves the address bar and history
    fetch('/auth/oidc/config')
      .then((r) => (r.ok ? (r.json() as Promise<{ enabled: boolean; name?: string }>) : null))
      .then((c) => setOidcName(c?.enabled ? (c.name ?? '') : null))
      .catch(() => setOidcName(null));
  }, [handoff]);
  useEffect(() => {
    // After the app's first /auth/me has settled (its 401 clears stored tokens), exchange the code once.
    if (!handoff || loading || exchanged.current) return;
    exchanged.current = true;
    fetch('/auth/oidc/token', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: handoff.code }) })
      .then(async (r) => {
        if (!r.ok) throw new Error(String(r.status));
        const b = (await r.json()) as { access_token: string; refresh_token?: string; expires_in?: number };
        tokenStore.set({ accessToken: b.access_token, refreshToken: b.refresh_token, expiresAt: b.expires_in ? Date.now() + b.expires_in * 1000 : undefined });
        // A fresh start, so the whole app sees the new session.
        location.replace(handoff.next.startsWith('/') && !handoff.next.startsWith('//') ? handoff.next : '/');
      })
      .catch(() => {
        setOidcBusy(false);
        setError(t('login.oidcFailed'));
      });
  }, [handoff, loading, t]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
      navigate(next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (err) {
      // 404/405: this server has no login yet (before issue 8).
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) setUnavailable(true);
      else if (err instanceof ApiError && (err.status === 401 || err.status === 400)) setError(t('login.failed'));
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login-page" id="main">
      <div className="login-card">
        <div className="login-head">
          <h1>
            <span className="brand-mark" aria-hidden="true">
              ✚
            </span>{' '}
            {t('app.title')}
          </h1>
          <LanguageSwitch />
        </div>
        <p className="muted">{t('app.subtitle')}</p>
        <form onSubmit={submit} aria-labelledby="login-title">
          <h2 id="login-title">{t('login.title')}</h2>
          <label>
            {t('login.username')}
            <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
          </label>
          <label>
            {t('login.password')}
            <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
          {error && (
            <p className="error-box" role="alert">
              {error}
            </p>
          )}
          {unavailable && (
            <p className="notice" role="status">
              {t('login.unavailable')}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
        {oidcName !== null && (
          <div className="login-oidc">
            <p className="muted">{t('login.or')}</p>
            <button type="button" className="primary" disabled={oidcBusy} onClick={() => location.assign(`/auth/oidc/login?next=${encodeURIComponent(next.startsWith('/') && !next.startsWith('//') ? next : '/')}`)}>
              {t('login.oidc', { name: oidcName })}
            </button>
          </div>
        )}
        {unavailable && (
          <button type="button" className="link-button" onClick={() => navigate('/', { replace: true })}>
            {t('login.continue')}
          </button>
        )}
      </div>
    </main>
  );
}
