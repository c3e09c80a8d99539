/**
 * "Record a follow-up" in one form: visit date, programmes, BP, fasting glucose (diabetes), a long
 * prescription, next visit — one POST /api/chronic/follow-ups. Checked first in the browser
 * (follow-up-validation.ts); the server's OperationOutcome is shown next to the field it names.
 * On success the work lists, the registry counts and the patient's 360 panels are refetched.
 */
import type { Patient } from '@medplum/fhirtypes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { registryOf, recordFollowUp, type ChronicCondition, type FollowUpResult } from '../../api/chronic';
import { api } from '../../api/client';
import { ApiError } from '../../api/errors';
import { displayName } from '../../api/fhir-codes';
import { ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';
import { PROTOCOL_DRUGS } from './drugs';
import { FORM_SYMPTOMS, MEDICATION_ADHERENCE, type FollowUpSymptom, type MedicationAdherence } from '../../../../src/healthmgmt/chronic/follow-up-codes';
import { addDays, checkFollowUp, fieldOfExpression, type FieldMessage, type FollowUpField, type FollowUpFormValues } from './follow-up-validation';

const today = () => new Date().toISOString().slice(0, 10);
const CONDITIONS: readonly ChronicCondition[] = ['hypertension', 'diabetes'];
/** Focus order of the fields, for moving to the first error. */
const ORDER: readonly FollowUpField[] = ['date', 'conditions', 'sbp', 'dbp', 'glucose', 'atc', 'daysSupply', 'refills', 'nextDate'];

type Errors = Partial<Record<FollowUpField, FieldMessage | string>>;

export function FollowUpForm({ patient, onDone, onCancel }: { patient: string; onDone: (result: FollowUpResult, name: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const person = useQuery({ queryKey: ['patient', patient], queryFn: () => api.read<Patient>('Patient', patient) });
  const registry = useQuery({ queryKey: ['chronic', 'registry', patient], queryFn: () => registryOf(patient) });
  const registered = [...new Set((registry.data?.rows ?? []).map((r) => r.condition))];
  const [v, setV] = useState<FollowUpFormValues>(() => ({ date: today(), conditions: [], sbp: '', dbp: '', glucose: '', glucoseUnit: 'mmol/L', atc: '', daysSupply: '84', refills: '2', nextDate: addDays(today(), 91) }));
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [warnings, setWarnings] = useState<FieldMessage[]>([]);
  const formRef = useRef<HTMLFormElement>(null);
  const name = person.data ? displayName(person.data.name) : patient;

  const save = useMutation({
    mutationFn: recordFollowUp,
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['chronic'] });
      for (const key of ['vitals', 'meds', 'encounters', 'conditions']) void queryClient.invalidateQueries({ queryKey: [key, patient] });
      onDone(result, name);
    },
    onError: (error) => {
      // The server names the field in issue.expression: show its text there.
      const byField: Errors = {};
      let unplaced = false;
      if (error instanceof ApiError && error.outcome?.issue?.length) {
        for (const issue of error.outcome.issue) {
          const field = fieldOfExpression(issue.expression?.[0]);
          const text = issue.details?.text ?? issue.diagnostics ?? issue.code;
          if (field) byField[field] = text;
          else unplaced = true;
        }
      } else unplaced = true;
      setErrors(byField);
      setFormError(unplaced ? error : null);
      focusFirst(byField);
    },
  });

  function focusFirst(errs: Errors) {
    const first = ORDER.find((f) => errs[f]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus();
  }

  function set<K extends keyof FollowUpFormValues>(key: K, value: FollowUpFormValues[K]) {
    setV((old) => ({ ...old, [key]: value }));
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const check = checkFollowUp(patient, v, registered, today());
    setErrors(check.errors);
    setWarnings(check.warnings);
    if (!check.body) {
      focusFirst(check.errors);
      return;
    }
    const drug = PROTOCOL_DRUGS.find((d) => d.atc === v.atc);
    const body = check.body.medicines && drug ? { ...check.body, medicines: check.body.medicines.map((m) => ({ ...m, name: t(`drug.${m.atc}` as MessageKey), perDay: drug.perDay })) } : check.body;
    save.mutate(body);
  }

  if (person.isPending || registry.isPending) return <Loading inline />;
  if (person.error || registry.error) return <ErrorBox error={person.error ?? registry.error} onRetry={() => void Promise.all([person.refetch(), registry.refetch()])} />;

  const programmes = [...new Set([...registered, ...v.conditions])];
  const diabetic = programmes.includes('diabetes');
  const message = (m: FieldMessage | string | undefined) => (m === undefined ? undefined : typeof m === 'string' ? m : t(m.key, m.vars));
  const field = (id: FollowUpField, label: string, control: (a: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string; 'data-field': string }) => ReactNode, hint?: string) => {
    const err = message(errors[id]);
    const describedBy = [err ? `fu-${id}-error` : '', hint ? `fu-${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
    return (
      <div className="field">
        <label htmlFor={`fu-${id}`}>{label}</label>
        {control({ id: `fu-${id}`, 'aria-invalid': !!err, 'aria-describedby': describedBy, 'data-field': id })}
        {hint && (
          <p id={`fu-${id}-hint`} className="muted small">
            {hint}
          </p>
        )}
        {err && (
          <p id={`fu-${id}-error`} className="field-error" data-testid={`fu-error-${id}`}>
            {err}
          </p>
        )}
      </div>
    );
  };
  const last = registry.data?.rows.find((r) => r.lastReading)?.lastReading;

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-labelledby="fu-h" data-testid="follow-up-form">
      <h2 id="fu-h">{t('fu.title', { name })}</h2>
      <p className="muted small">
        {registered.length ? t('fu.programmes', { list: registered.map((c) => t(`cond.${c}` as MessageKey)).join('、') }) : t('fu.notRegistered')}
        {last && ` · ${t('fu.lastReading', { date: last.date, value: [last.sbp && last.dbp ? `${last.sbp}/${last.dbp} mmHg` : '', last.glucose ? `${last.glucose} mmol/L` : ''].filter(Boolean).join(', ') })}`}
      </p>
      <div className="form-grid">
        {field('date', t('fu.date'), (a) => (
          <input {...a} type="date" max={today()} value={v.date} onChange={(e) => set('date', e.target.value)} required />
        ))}
        <div className="field">
          <fieldset aria-describedby={errors.conditions ? 'fu-conditions-error' : undefined}>
            <legend>{t('fu.conditions')}</legend>
            {CONDITIONS.map((c) => (
              <label key={c}>
                <input
                  type="checkbox"
                  data-field={c === 'hypertension' ? 'conditions' : undefined}
                  checked={registered.includes(c) || v.conditions.includes(c)}
                  disabled={registered.includes(c)}
                  onChange={(e) => set('conditions', e.target.checked ? [...v.conditions, c] : v.conditions.filter((x) => x !== c))}
                />{' '}
                {t(`cond.${c}` as MessageKey)}
              </label>
            ))}
          </fieldset>
          {errors.conditions && (
            <p id="fu-conditions-error" className="field-error" data-testid="fu-error-conditions">
              {message(errors.conditions)}
            </p>
          )}
        </div>
        {field('sbp', t('fu.sbp'), (a) => (
          <input {...a} inputMode="numeric" autoComplete="off" value={v.sbp} onChange={(e) => set('sbp', e.target.value)} placeholder="60–300" />
        ))}
        {field('dbp', t('fu.dbp'), (a) => (
          <input {...a} inputMode="numeric" autoComplete="off" value={v.dbp} onChange={(e) => set('dbp', e.target.value)} placeholder="30–200" />
        ))}
        {diabetic &&
          field('glucose', t('fu.glucose'), (a) => (
            <div className="bp-pair">
              <input {...a} inputMode="decimal" autoComplete="off" value={v.glucose} onChange={(e) => set('glucose', e.target.value)} />
              <select aria-label={t('fu.glucoseUnit')} value={v.glucoseUnit} onChange={(e) => set('glucoseUnit', e.target.value as 'mmol/L' | 'mg/dL')}>
                <option value="mmol/L">mmol/L</option>
                <option value="mg/dL">mg/dL</option>
              </select>
            </div>
          ))}
        {field('nextDate', t('fu.nextDate'), (a) => <input {...a} type="date" value={v.nextDate} onChange={(e) => set('nextDate', e.target.value)} />, t('fu.nextDateHint'))}
      </div>
      <h3>{t('fu.medicine')}</h3>
      <div className="form-grid">
        {field('atc', t('fu.drug'), (a) => (
          <select {...a} value={v.atc} onChange={(e) => set('atc', e.target.value)}>
            <option value="">{t('fu.noDrug')}</option>
            {PROTOCOL_DRUGS.filter((d) => programmes.length === 0 || programmes.includes(d.condition)).map((d) => (
              <option key={d.atc} value={d.atc}>
                {t(`drug.${d.atc}` as MessageKey)} ({d.atc})
              </option>
            ))}
          </select>
        ))}
        {v.atc &&
          field('daysSupply', t('fu.daysSupply'), (a) => <input {...a} inputMode="numeric" value={v.daysSupply} onChange={(e) => set('daysSupply', e.target.value)} />, t('fu.daysSupplyHint'))}
        {v.atc &&
          field('refills', t('fu.refills'), (a) => (
            <select {...a} value={v.refills} onChange={(e) => set('refills', e.target.value)}>
              {['0', '1', '2'].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          ))}
      </div>
      <h3>{t('fu.formItems')}</h3>
      <div className="form-grid">
        <div className="field">
          <fieldset data-testid="fu-symptoms">
            <legend>{t('fu.symptoms')}</legend>
            {(['none', ...new Set(programmes.flatMap((c) => FORM_SYMPTOMS[c])), 'other'] as FollowUpSymptom[]).map((s) => (
              <label key={s}>
                <input
                  type="checkbox"
                  checked={(v.symptoms ?? []).includes(s)}
                  // "none" stands alone (the server refuses it with a symptom).
                  onChange={(e) => set('symptoms', e.target.checked ? (s === 'none' ? ['none'] : [...(v.symptoms ?? []).filter((x) => x !== 'none'), s]) : (v.symptoms ?? []).filter((x) => x !== s))}
                />{' '}
                {t(`fu.symptom.${s}` as MessageKey)}
              </label>
            ))}
          </fieldset>
        </div>
        <div className="field">
          <label htmlFor="fu-adherence">{t('fu.adherence')}</label>
          <select id="fu-adherence" value={v.adherence ?? ''} onChange={(e) => set('adherence', e.target.value as MedicationAdherence | '')}>
            <option value="">{t('fu.notAsked')}</option>
            {(Object.keys(MEDICATION_ADHERENCE) as MedicationAdherence[]).map((a) => (
              <option key={a} value={a}>
                {t(`fu.adherence.${a}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="muted small">{t('fu.notRecorded')}</p>
      {warnings.length > 0 && (
        <div className="notice" role="status" data-testid="fu-warnings">
          {warnings.map((w, i) => (
            <p key={i}>{t(w.key, w.vars)}</p>
          ))}
        </div>
      )}
      {formError !== null && <ErrorBox error={formError} />}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.isPending} data-testid="fu-submit">
          {save.isPending ? t('fu.saving') : t('fu.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('fu.cancel')}
        </button>
      </div>
    </form>
  );
}
