/** Small pieces shared by the referral pages: the state badge, the patient cell and the SLA cell. */
import type { Patient } from '@medplum/fhirtypes';
import { displayName } from '../../api/fhir-codes';
import type { ReferralState, ReferralView } from '../../api/referrals';
import { useI18n, type MessageKey } from '../../i18n';
import { dateTime } from '../cdc/format';
import { slaSummary, type SlaState } from './referral-actions';

/** Badge colours borrowed from the CDC console's status classes (text always says the state). */
const STATE_CLASS: Record<ReferralState, string> = {
  requested: 'status-new',
  accepted: 'status-under-investigation',
  scheduled: 'status-under-investigation',
  seen: 'status-under-investigation',
  returned: 'status-under-investigation',
  closed: 'status-closed',
  rejected: 'status-false-alarm',
  cancelled: 'status-false-alarm',
};

export function StateBadge({ state }: { state: ReferralState }) {
  const { t } = useI18n();
  return (
    <span className={`status-badge ${STATE_CLASS[state]}`} data-testid="referral-state" data-state={state}>
      {t(`ref.state.${state}` as MessageKey)}
    </span>
  );
}

/** The patient's name when the user may read the record, else the Patient id (the receiver reads it once it accepts). */
export function PatientCell({ id, patient, pending }: { id: string; patient: Patient | undefined; pending?: boolean }) {
  const { t } = useI18n();
  if (patient) return <span data-testid="referral-patient">{displayName(patient.name) || id}</span>;
  return (
    <span data-testid="referral-patient" title={t('ref.patientHidden')}>
      {pending ? '…' : `Patient/${id}`}
    </span>
  );
}

const SLA_CLASS: Record<SlaState, string> = { met: 'status-closed', missed: 'status-new', overdue: 'status-new', open: 'status-under-investigation', none: 'status-false-alarm' };

export function SlaCell({ referral }: { referral: Pick<ReferralView, 'sla'> }) {
  const { t, locale } = useI18n();
  const s = slaSummary(referral);
  if (s.state === 'none') return <span className="muted">{t('ref.sla.none')}</span>;
  return (
    <span data-testid="referral-sla" data-sla={s.state}>
      <span className={`status-badge ${SLA_CLASS[s.state]}`}>{t(`ref.sla.${s.state}` as MessageKey)}</span>{' '}
      <span className="muted">
        {t(`ref.sla.${s.timer}` as MessageKey)} {t('ref.sla.due', { at: dateTime(s.due, locale) })}
      </span>
    </span>
  );
}
