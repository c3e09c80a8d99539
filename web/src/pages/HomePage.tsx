/** Home: who you are, your roles (bound to org units) and the workspaces they open. */
import { Link } from 'react-router';
import { useAuth } from '../components/AuthProvider';
import { useI18n, type MessageKey } from '../i18n';
import { isRole, workspacesFor } from '../roles';

export function HomePage() {
  const { t } = useI18n();
  const { user, roles } = useAuth();
  const workspaces = workspacesFor(roles);
  return (
    <div className="page">
      <h1>{user ? t('home.title', { name: user.username }) : t('home.anonymous')}</h1>
      {user && (
        <section aria-labelledby="roles-h">
          <h2 id="roles-h">{t('home.roles')}</h2>
          <ul className="chips">
            {user.roles.map((r, i) => (
              <li key={i} className="chip" data-testid="role">
                {isRole(r.role) ? t(`role.${r.role}` as MessageKey) : r.role}
                {r.orgUnit ? ` · ${r.orgUnit}` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="ws-h">
        <h2 id="ws-h">{t('home.workspaces')}</h2>
        {workspaces.length === 0 && <p>{t('home.noWorkspace')}</p>}
        <div className="cards">
          {workspaces.map((w) =>
            w.path ? (
              <Link key={w.id} to={w.path} className="card card-link">
                <h3>{t(`nav.${w.id}` as MessageKey)}</h3>
                <p>{t(`workspace.${w.id}` as MessageKey)}</p>
              </Link>
            ) : (
              <div key={w.id} className="card card-disabled" aria-disabled="true">
                <h3>{t(`workspace.${w.id}` as MessageKey)}</h3>
                <p className="muted">{t('home.comingSoon')}</p>
              </div>
            ),
          )}
        </div>
      </section>
    </div>
  );
}
