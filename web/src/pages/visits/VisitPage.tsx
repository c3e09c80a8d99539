/**
 * Village-clinic visit capture (issue 10; docs/care.md): measurements, diagnoses (ICD-10), one
 * prescription (dispensed here or not) and how the visit ends — resolved in the village, a question
 * to a township or district doctor (with attachments), or a referral. One POST records it all or
 * nothing; the server's OperationOutcome (the field it names) is shown as it comes.
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { Facility } from '../../api/org-units';
import type { AttachmentBody } from '../../api/teleconsults';
import { recordVisit } from '../../api/visits';
import { useAuth } from '../../components/AuthProvider';
import { ErrorBox } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';
import { useDistrict } from '../cdc/hooks';
import { sendingFacilities } from '../referrals/referral-actions';
import { EMPTY_VISIT, readAttachment, visitBody, type VisitForm } from './visit-form';

export function VisitPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const { user, orgUnits } = useAuth();
  const district = useDistrict();
  const all = district.data?.facilities ?? [];
  const platformWide = !user || user.roles.some((r) => !r.orgUnit && !r.careTeam);
  const clinics = sendingFacilities(all, orgUnits, platformWide).filter((f) => f.type === 'village-clinic');
  const consultants = all.filter((f) => f.type !== 'village-clinic');
  const [form, setForm] = useState<VisitForm>({ ...EMPTY_VISIT, patient: params.get('patient') ?? '' });
  const [attachments, setAttachments] = useState<AttachmentBody[]>([]);
  const clinic = form.clinic || clinics[0]?.id || '';
  const save = useMutation({ mutationFn: () => recordVisit(visitBody({ ...form, clinic }, attachments)) });
  const field = (key: keyof VisitForm, testId: string, extra: Record<string, unknown> = {}) => ({
    value: form[key] as string,
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
    'data-testid': testId,
    ...extra,
  });
  const option = (f: Facility) => (
    <option key={f.id} value={f.id}>
      {f.name}
    </option>
  );
  const done = save.data;
  return (
    <div className="page" data-testid="visit-page">
      <div className="page-head">
        <div>
          <h1>{t('visit.title')}</h1>
          <p className="muted">{t('visit.intro')}</p>
        </div>
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <section className="panel" aria-labelledby="visit-who-h">
          <h2 id="visit-who-h">{t('visit.who')}</h2>
          <div className="filters">
            <label>
              {t('visit.patient')}
              <input required {...field('patient', 'visit-patient')} />
            </label>
            <label>
              {t('visit.clinic')}
              <select value={clinic} onChange={(e) => setForm({ ...form, clinic: e.target.value })} data-testid="visit-clinic">
                {clinics.map(option)}
              </select>
            </label>
            <label>
              {t('visit.complaint')}
              <input {...field('complaint', 'visit-complaint', { size: 40 })} />
            </label>
          </div>
        </section>
        <section className="panel" aria-labelledby="visit-measure-h">
          <h2 id="visit-measure-h">{t('visit.measurements')}</h2>
          <div className="filters">
            <label>
              {t('visit.systolic')}
              <input inputMode="numeric" size={5} {...field('systolic', 'visit-systolic')} />
            </label>
            <label>
              {t('visit.diastolic')}
              <input inputMode="numeric" size={5} {...field('diastolic', 'visit-diastolic')} />
            </label>
            <label>
              {t('visit.glucose')}
              <input inputMode="decimal" size={5} {...field('glucose', 'visit-glucose')} />
            </label>
            <label>
              {t('visit.weight')}
              <input inputMode="decimal" size={5} {...field('weight', 'visit-weight')} />
            </label>
            <label>
              {t('visit.temperature')}
              <input inputMode="decimal" size={5} {...field('temperature', 'visit-temperature')} />
            </label>
          </div>
        </section>
        <section className="panel" aria-labelledby="visit-dx-h">
          <h2 id="visit-dx-h">{t('visit.diagnosisAndTreatment')}</h2>
          <div className="filters">
            <label>
              {t('visit.diagnoses')}
              <input placeholder="J06.9, I10" {...field('diagnoses', 'visit-diagnoses')} />
            </label>
            <label>
              {t('visit.atc')}
              <input placeholder="N02BE01" size={9} {...field('atc', 'visit-atc')} />
            </label>
            <label>
              {t('visit.drugName')}
              <input {...field('drugName', 'visit-drug-name')} />
            </label>
            <label>
              {t('visit.daysSupply')}
              <input inputMode="numeric" size={4} {...field('daysSupply', 'visit-days')} />
            </label>
            <label>
              {t('visit.perDay')}
              <input inputMode="numeric" size={3} {...field('perDay', 'visit-per-day')} />
            </label>
            <label>
              {t('visit.quantity')}
              <input inputMode="numeric" size={4} {...field('quantity', 'visit-quantity')} />
            </label>
            <label className="inline-check">
              <span>
                <input type="checkbox" checked={form.dispensed} onChange={(e) => setForm({ ...form, dispensed: e.target.checked })} data-testid="visit-dispensed" /> {t('visit.dispensed')}
              </span>
            </label>
          </div>
        </section>
        <section className="panel" aria-labelledby="visit-outcome-h">
          <h2 id="visit-outcome-h">{t('visit.outcome')}</h2>
          <div className="filters" role="radiogroup" aria-labelledby="visit-outcome-h">
            {(['resolved', 'teleconsult', 'referred'] as const).map((o) => (
              <label key={o} className="inline-check">
                <span>
                  <input type="radio" name="outcome" checked={form.outcome === o} onChange={() => setForm({ ...form, outcome: o })} data-testid={`visit-outcome-${o}`} /> {t(`visit.outcome.${o}` as MessageKey)}
                </span>
              </label>
            ))}
          </div>
          {form.outcome !== 'resolved' && (
            <div className="filters">
              <label>
                {form.outcome === 'teleconsult' ? t('visit.consultant') : t('visit.performer')}
                <select required value={form.outcome === 'teleconsult' ? form.consultant : form.performer} onChange={(e) => setForm({ ...form, [form.outcome === 'teleconsult' ? 'consultant' : 'performer']: e.target.value })} data-testid="visit-escalate-to">
                  <option value="">—</option>
                  {consultants.map(option)}
                </select>
              </label>
              <label>
                {t('visit.priority')}
                <select value={form.priority} onChange={(e) => setForm({ ...form, priority: e.target.value as VisitForm['priority'] })} data-testid="visit-priority">
                  <option value="routine">{t('ref.priority.routine')}</option>
                  <option value="urgent">{t('ref.priority.urgent')}</option>
                </select>
              </label>
              {form.outcome === 'teleconsult' ? (
                <>
                  <label>
                    {t('visit.question')}
                    <textarea required rows={3} cols={50} value={form.question} onChange={(e) => setForm({ ...form, question: e.target.value })} data-testid="visit-question" />
                  </label>
                  <label>
                    {t('visit.attachments')}
                    <input type="file" multiple onChange={(e) => void Promise.all([...(e.target.files ?? [])].map(readAttachment)).then(setAttachments)} data-testid="visit-attachments" />
                  </label>
                </>
              ) : (
                <label>
                  {t('ref.note')}
                  <input {...field('note', 'visit-note', { size: 40 })} />
                </label>
              )}
            </div>
          )}
          <button type="submit" className="primary" disabled={save.isPending || !clinic} data-testid="visit-save">
            {t('visit.save')}
          </button>
          {save.error && <ErrorBox error={save.error} />}
          {done && (
            <p role="status" data-testid="visit-saved" data-encounter={done.encounter}>
              {t('visit.saved', { n: done.observations.length + done.conditions.length + done.medicationRequests.length + done.medicationDispenses.length + 1 })}{' '}
              {done.outcome.referral && <Link to={`/referrals/${done.outcome.referral.id}`}>{t('visit.openReferral')}</Link>}
              {done.outcome.teleconsult && <Link to={`/teleconsult?box=outbox&id=${done.outcome.teleconsult.id}`}>{t('visit.openTeleconsult')}</Link>}
            </p>
          )}
        </section>
      </form>
    </div>
  );
}
