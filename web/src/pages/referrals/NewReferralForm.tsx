/**
 * A new referral (POST /api/referrals): patient id, the sending facility (one the user works in),
 * the receiving facility (any facility of the district), priority, reason (ICD-10 code and/or
 * text), note, and the care plan a down-referral must carry. The server decides the direction
 * from the two facilities' levels and refuses a down-referral without a plan; its
 * OperationOutcome is shown as it comes (field named).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { Facility } from '../../api/org-units';
import { createReferral, type NewReferralBody, type ReferralPriority } from '../../api/referrals';
import { useAuth } from '../../components/AuthProvider';
import { ErrorBox } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';
import { useDistrict } from '../cdc/hooks';
import { sendingFacilities } from './referral-actions';

export function NewReferralForm({ initialPatient, onDone }: { initialPatient: string; onDone: () => void }) {
  const { t } = useI18n();
  const { user, orgUnits } = useAuth();
  const district = useDistrict();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const all = district.data?.facilities ?? [];
  const platformWide = !user || user.roles.some((r) => !r.orgUnit && !r.careTeam);
  const senders = sendingFacilities(all, orgUnits, platformWide);
  const [form, setForm] = useState({ patient: initialPatient, requester: '', performer: '', priority: 'routine' as ReferralPriority, code: '', text: '', note: '', plan: '', activities: '' });
  const requester = form.requester || senders[0]?.id || '';
  const create = useMutation({
    mutationFn: () => {
      const body: NewReferralBody = {
        patient: form.patient.trim(),
        requester,
        performer: form.performer,
        priority: form.priority,
        reason: { ...(form.code.trim() ? { code: form.code.trim() } : {}), ...(form.text.trim() ? { text: form.text.trim() } : {}) },
        ...(form.note.trim() ? { note: form.note.trim() } : {}),
        ...(form.plan.trim() ? { carePlan: { description: form.plan.trim(), activities: form.activities.split('\n').map((a) => a.trim()).filter(Boolean) } } : {}),
      };
      return createReferral(body);
    },
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: ['referrals', 'list'] });
      onDone();
      void navigate(`/referrals/${r.id}`);
    },
  });
  const field = (key: keyof typeof form) => ({ value: form[key], onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }) });
  const option = (f: Facility) => (
    <option key={f.id} value={f.id}>
      {f.name} · {t(`ref.facilityType.${f.type || 'other'}` as MessageKey)}
    </option>
  );
  return (
    <section className="panel" aria-labelledby="ref-new-h" data-testid="referral-new">
      <h2 id="ref-new-h">{t('ref.new')}</h2>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label>
          {t('ref.form.patient')}
          <input required {...field('patient')} data-testid="ref-new-patient" />
        </label>
        <label>
          {t('ref.col.from')}
          <select value={requester} onChange={(e) => setForm({ ...form, requester: e.target.value })} data-testid="ref-new-requester">
            {senders.map(option)}
          </select>
        </label>
        <label>
          {t('ref.col.to')}
          <select required {...field('performer')} data-testid="ref-new-performer">
            <option value="">—</option>
            {all.filter((f) => f.id !== requester).map(option)}
          </select>
        </label>
        <label>
          {t('ref.col.priority')}
          <select {...field('priority')} data-testid="ref-new-priority">
            <option value="routine">{t('ref.priority.routine')}</option>
            <option value="urgent">{t('ref.priority.urgent')}</option>
          </select>
        </label>
        <label>
          {t('ref.form.code')}
          <input {...field('code')} placeholder="I63.9" size={8} data-testid="ref-new-code" />
        </label>
        <label>
          {t('ref.form.reason')}
          <input {...field('text')} data-testid="ref-new-reason" />
        </label>
        <label>
          {t('ref.note')}
          <input {...field('note')} data-testid="ref-new-note" />
        </label>
        <label>
          {t('ref.form.plan')}
          <input {...field('plan')} data-testid="ref-new-plan" />
        </label>
        <label>
          {t('ref.carePlanActivities')}
          <textarea rows={2} {...field('activities')} />
        </label>
        <button type="submit" className="primary" disabled={create.isPending || !requester} data-testid="ref-new-submit">
          {t('ref.form.send')}
        </button>
      </form>
      {create.error && <ErrorBox error={create.error} />}
    </section>
  );
}
