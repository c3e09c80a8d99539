/** A signal's status as a coloured badge (colour and text, so it never relies on colour alone). */
import type { SignalStatus } from '../../api/surveillance';
import { useI18n } from '../../i18n';
import { statusKey } from './format';

export function StatusBadge({ status }: { status: SignalStatus }) {
  const { t } = useI18n();
  return (
    <span className={`status-badge status-${status}`} data-testid="status-badge" data-status={status}>
      {t(statusKey(status))}
    </span>
  );
}
