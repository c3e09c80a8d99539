/** A headline number: label, value (or a loading / unavailable state) and a hint. */
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';

export function StatTile(props: { id: string; label: string; value?: ReactNode; loading?: boolean; error?: boolean; hint?: string; unavailable?: boolean }) {
  const { t } = useI18n();
  let body: ReactNode = props.value;
  if (props.unavailable) body = <span title={t('common.needsServer')}>{t('common.notAvailable')}</span>;
  else if (props.loading) body = <span className="spinner" role="status" aria-label={t('common.loading')} />;
  else if (props.error) body = <span title={t('common.error')}>!</span>;
  return (
    <section className="stat" aria-labelledby={`stat-${props.id}`} data-testid={`stat-${props.id}`}>
      <h3 id={`stat-${props.id}`}>{props.label}</h3>
      <p className="stat-value" data-testid={`stat-${props.id}-value`}>
        {body}
      </p>
      {props.hint && <p className="stat-hint">{props.unavailable ? t('common.needsServer') : props.hint}</p>}
    </section>
  );
}
