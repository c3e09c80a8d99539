/** Login (issue 8 contract: POST /auth/login). On a server without login, the user may go on without. */
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/errors';
import { useAuth } from '../components/AuthProvider';
import { LanguageSwitch } from '../components/Layout';
import { useI18n } from '../i18n';

export function LoginPage() {
  const { t } = useI18n();
  const { login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next') ?? '/';
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(params.get('expired') ? t('login.expired') : null);
  const [unavailable, setUnavailable] = useState(false);

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
        {unavailable && (
          <button type="button" className="link-button" onClick={() => navigate('/', { replace: true })}>
            {t('login.continue')}
          </button>
        )}
      </div>
    </main>
  );
}
