/** Header (title, role-aware navigation, language switch, user) around every page but login. */
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { useI18n, LOCALE_NAMES, type Locale, type MessageKey } from '../i18n';
import { workspacesFor } from '../roles';
import { useAuth } from './AuthProvider';

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <label className="lang-switch">
      <span className="visually-hidden">{t('nav.language')}</span>
      <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-testid="language-switch" aria-label={t('nav.language')}>
        {(Object.keys(LOCALE_NAMES) as Locale[]).map((l) => (
          <option key={l} value={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Layout() {
  const { t } = useI18n();
  const { user, roles, logout, needsLogin } = useAuth();
  const location = useLocation();
  const nav = workspacesFor(roles).filter((w) => w.path);
  // A server with accounts and no session: log in first, then come back here.
  if (needsLogin) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="app-header">
        <NavLink to="/" className="brand" aria-label={t('app.title')}>
          <span className="brand-mark" aria-hidden="true">
            ✚
          </span>
          <span>
            <strong>{t('app.title')}</strong>
            <small>{t('app.subtitle')}</small>
          </span>
        </NavLink>
        <nav aria-label="main" className="main-nav">
          <NavLink to="/home">{t('nav.home')}</NavLink>
          {nav.map((w) => (
            <NavLink key={w.id} to={w.path!} data-testid={`nav-${w.id}`}>
              {t(`nav.${w.id}` as MessageKey)}
            </NavLink>
          ))}
        </nav>
        <div className="header-tools">
          <LanguageSwitch />
          {user ? (
            <>
              <span className="user" data-testid="user">
                {user.username}
              </span>
              <button type="button" className="link-button" onClick={logout}>
                {t('nav.logout')}
              </button>
            </>
          ) : (
            <>
              <span className="user muted">{t('nav.openServer')}</span>
              <NavLink to="/login">{t('nav.login')}</NavLink>
            </>
          )}
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
