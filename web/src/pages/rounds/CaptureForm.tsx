/**
 * Capture of one visit on the round: measurements and the next date, checked in the browser with the
 * workstation's rules (follow-up-validation.ts), then put in the device's queue with its own UUID and
 * the time it was recorded — whether or not there is a network. The queue sends it (use-visit-queue.ts).
 */
import { useState, type FormEvent } from 'react';
import type { ChronicCondition } from '../../api/chronic';
import { useI18n } from '../../i18n';
import { checkFollowUp, type FollowUpCheck, type FollowUpFormValues } from '../workstation/follow-up-validation';
import type { QueuedVisit } from './sync-outcome';

const EMPTY: Omit<FollowUpFormValues, 'date'> = { conditions: [], sbp: '', dbp: '', glucose: '', glucoseUnit: 'mmol/L', atc: '', daysSupply: '', refills: '', nextDate: '' };

export function CaptureForm({ patient, name, conditions, date, onQueued, onCancel }: { patient: string; name: string; conditions: string[]; date: string; onQueued: (v: QueuedVisit) => Promise<void>; onCancel: () => void }) {
  const { t } = useI18n();
  const today = new Date().toISOString().slice(0, 10);
  const registered = conditions.filter((c): c is ChronicCondition => c === 'hypertension' || c === 'diabetes');
  const [values, setValues] = useState<FollowUpFormValues>({ ...EMPTY, date: date < today ? date : today, conditions: [] });
  const [check, setCheck] = useState<FollowUpCheck | null>(null);
  const field = (key: keyof FollowUpFormValues) => ({
    value: values[key] as string,
    onChange: (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value }),
  });
  const error = (key: keyof FollowUpCheck['errors']) => {
    const e = check?.errors[key];
    return e ? (
      <span className="small error-text" id={`rc-${patient}-${key}-err`} role="alert">
        {t(e.key, e.vars)}
      </span>
    ) : null;
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const c = checkFollowUp(patient, values, registered, today);
    setCheck(c);
    if (!c.body) return;
    const { patient: _p, ...followUp } = c.body;
    await onQueued({ clientId: crypto.randomUUID(), recordedAt: new Date().toISOString(), patient, label: name, followUp });
  }

  const id = (k: string) => `rc-${patient}-${k}`;
  return (
    <form className="workflow-form" onSubmit={(e) => void submit(e)} data-testid={`capture-${patient}`} aria-label={t('rounds.capture.title', { name })} noValidate>
      <p className="small muted">{t('rounds.capture.offline')}</p>
      <div className="filters">
        <label htmlFor={id('date')}>
          {t('fu.date')}
          <input id={id('date')} type="date" max={today} {...field('date')} aria-invalid={!!check?.errors.date} />
          {error('date')}
        </label>
        <label htmlFor={id('sbp')}>
          {t('fu.sbp')}
          <input id={id('sbp')} inputMode="numeric" {...field('sbp')} aria-invalid={!!check?.errors.sbp} data-testid="capture-sbp" />
          {error('sbp')}
        </label>
        <label htmlFor={id('dbp')}>
          {t('fu.dbp')}
          <input id={id('dbp')} inputMode="numeric" {...field('dbp')} aria-invalid={!!check?.errors.dbp} data-testid="capture-dbp" />
          {error('dbp')}
        </label>
        {registered.length === 0 && (
          <fieldset>
            <legend>{t('fu.conditions')}</legend>
            {(['hypertension', 'diabetes'] as const).map((c) => (
              <label key={c}>
                <input type="checkbox" checked={values.conditions.includes(c)} onChange={(e) => setValues({ ...values, conditions: e.target.checked ? [...values.conditions, c] : values.conditions.filter((x) => x !== c) })} />{' '}
                {t(`cond.${c}`)}
              </label>
            ))}
            {error('conditions')}
          </fieldset>
        )}
        {(registered.includes('diabetes') || values.conditions.includes('diabetes')) && (
          <label htmlFor={id('glucose')}>
            {t('fu.glucose')} (mmol/L)
            <input id={id('glucose')} inputMode="decimal" {...field('glucose')} aria-invalid={!!check?.errors.glucose} />
            {error('glucose')}
          </label>
        )}
        <label htmlFor={id('next')}>
          {t('fu.nextDate')}
          <input id={id('next')} type="date" {...field('nextDate')} aria-invalid={!!check?.errors.nextDate} />
          {error('nextDate')}
        </label>
      </div>
      {check?.warnings.map((w, i) => (
        <p key={i} className="notice small">
          {t(w.key, w.vars)}
        </p>
      ))}
      <div className="workflow-buttons">
        <button type="submit" data-testid="capture-save">
          {t('rounds.capture.save')}
        </button>
        <button type="button" className="link-button" onClick={onCancel}>
          {t('fu.cancel')}
        </button>
      </div>
    </form>
  );
}
