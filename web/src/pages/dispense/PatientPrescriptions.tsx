/**
 * One patient's active prescriptions with the fills handed over, and the dispense form of each
 * (POST /api/chronic/dispenses). A prescription whose fills are all handed over needs a new one.
 * The server's refusals (409 no stock / no fills left, 400 date) are shown next to the field named.
 */
import type { Patient } from '@medplum/fhirtypes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { activePrescriptions, dispense, type DispenseResult, type PrescriptionView } from '../../api/chronic';
import { api } from '../../api/client';
import { ApiError } from '../../api/errors';
import { displayName } from '../../api/fhir-codes';
import { ErrorBox, QueryState } from '../../components/Status';
import { useI18n } from '../../i18n';
import { parseNumber } from '../workstation/follow-up-validation';
import { useDrugName } from './useDrugName';

const today = () => new Date().toISOString().slice(0, 10);

export function PatientPrescriptions({ patient, facility }: { patient: string; facility: string }) {
  const { t } = useI18n();
  const person = useQuery({ queryKey: ['patient', patient], queryFn: () => api.read<Patient>('Patient', patient) });
  const rx = useQuery({ queryKey: ['dispense', 'prescriptions', patient], queryFn: () => activePrescriptions(patient) });
  const [done, setDone] = useState<DispenseResult | null>(null);
  const name = person.data ? displayName(person.data.name) : '';
  return (
    <section className="panel" aria-labelledby="rx-h" data-testid="prescriptions">
      <h2 id="rx-h">{person.data ? t('dsp.prescriptionsOf', { name }) : t('dsp.prescriptions')}</h2>
      {person.data && (
        <p className="small">
          <Link to={`/patients/${patient}`}>{t('dsp.open360')}</Link>
        </p>
      )}
      {done && (
        <p className="success-box" role="status" data-testid="dispense-done">
          {t('dsp.done', { fills: done.fills, allowed: done.fillsAllowed, due: done.refillDue })}
          {done.stockLeft !== null && ` ${t('dsp.stockLeft', { n: done.stockLeft })}`}
        </p>
      )}
      {person.error ? (
        <ErrorBox error={person.error} onRetry={() => void person.refetch()} />
      ) : (
        <QueryState query={rx} isEmpty={(d) => d.length === 0} emptyText={t('dsp.noPrescriptions')}>
          {(d) => (
            <ul className="rx-list">
              {d.map((p) => (
                <Prescription key={p.request.id} view={p} facility={facility} onDone={setDone} />
              ))}
            </ul>
          )}
        </QueryState>
      )}
    </section>
  );
}

type Field = 'quantity' | 'daysSupply' | 'date' | 'form';

function Prescription({ view, facility, onDone }: { view: PrescriptionView; facility: string; onDone: (r: DispenseResult) => void }) {
  const { t } = useI18n();
  const drugName = useDrugName();
  const queryClient = useQueryClient();
  const r = view.request;
  const atc = r.medicationCodeableConcept?.coding?.[0]?.code ?? '';
  const perDay = r.dosageInstruction?.[0]?.timing?.repeat?.frequency;
  const defaultQty = r.dispenseRequest?.quantity?.value ?? (view.daysPerFill && perDay ? Math.ceil(view.daysPerFill * perDay) : undefined);
  const [quantity, setQuantity] = useState(defaultQty ? String(defaultQty) : '');
  const [daysSupply, setDaysSupply] = useState(view.daysPerFill ? String(Math.round(view.daysPerFill)) : '');
  const [date, setDate] = useState(today());
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const left = view.fillsAllowed - view.fills;
  const id = r.id!;

  const save = useMutation({
    mutationFn: dispense,
    onSuccess: (result) => {
      setErrors({});
      void queryClient.invalidateQueries({ queryKey: ['dispense'] });
      void queryClient.invalidateQueries({ queryKey: ['meds'] });
      onDone(result);
    },
    onError: (error) => {
      const out: Partial<Record<Field, string>> = {};
      for (const issue of error instanceof ApiError ? (error.outcome?.issue ?? []) : []) {
        const f = issue.expression?.[0];
        const text = issue.details?.text ?? issue.diagnostics ?? issue.code;
        if (f === 'quantity' || f === 'daysSupply' || f === 'date') out[f] = text;
        else out.form = text;
      }
      if (!Object.keys(out).length) out.form = error.message;
      setErrors(out);
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Partial<Record<Field, string>> = {};
    const qty = parseNumber(quantity);
    if (qty === undefined) errs.quantity = t('fu.err.required');
    else if (Number.isNaN(qty) || qty <= 0 || qty > 10_000) errs.quantity = t('dsp.err.quantity');
    const days = parseNumber(daysSupply);
    if (days !== undefined && (Number.isNaN(days) || !Number.isInteger(days) || days < 1 || days > 84)) errs.daysSupply = t('fu.err.daysSupply', { max: 84 });
    if (!date) errs.date = t('fu.err.required');
    else if (date > today()) errs.date = t('fu.err.future');
    if (!facility) errs.form = t('dsp.noFacility');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    save.mutate({ prescription: id, facility, date, quantity: qty!, ...(days !== undefined ? { daysSupply: days } : {}) });
  }

  const err = (f: Field) =>
    errors[f] && (
      <span id={`dsp-${id}-${f}-error`} className="field-error" data-testid={`dispense-error-${f}`}>
        {errors[f]}
      </span>
    );
  const described = (f: Field) => (errors[f] ? `dsp-${id}-${f}-error` : undefined);
  return (
    <li data-testid="prescription" data-prescription={id}>
      <strong>{r.medicationCodeableConcept?.text ?? drugName(atc)}</strong> <span className="mono small">{atc}</span>
      <div className="small muted">
        {t('dsp.rxFacts', { date: r.authoredOn?.slice(0, 10) ?? '—', days: view.daysPerFill ?? '—', fills: view.fills, allowed: view.fillsAllowed })}
        {view.lastHandedOver && ` · ${t('dsp.lastHandedOver', { date: view.lastHandedOver.slice(0, 10) })}`}
      </div>
      {left <= 0 ? (
        <p className="notice small">{t('dsp.needsRenewal')}</p>
      ) : (
        <form className="inline-form" onSubmit={submit} noValidate aria-label={t('dsp.formLabel', { drug: drugName(atc) })}>
          <label>
            {t('dsp.quantity')}
            <input
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
              inputMode="numeric"
              size={6}
              aria-invalid={!!errors.quantity}
              aria-describedby={described('quantity')}
              data-testid="dispense-quantity"
            />
            {err('quantity')}
          </label>
          <label>
            {t('dsp.daysSupply')}
            <input value={daysSupply} onChange={(e) => setDaysSupply(e.target.value)} inputMode="numeric" size={4} aria-invalid={!!errors.daysSupply} aria-describedby={described('daysSupply')} />
            {err('daysSupply')}
          </label>
          <label>
            {t('dsp.date')}
            <input type="date" value={date} max={today()} onChange={(e) => setDate(e.target.value)} aria-invalid={!!errors.date} aria-describedby={described('date')} />
            {err('date')}
          </label>
          <button type="submit" className="primary" disabled={save.isPending} data-testid="dispense-submit">
            {save.isPending ? t('fu.saving') : t('dsp.submit')}
          </button>
          {err('form')}
        </form>
      )}
    </li>
  );
}
