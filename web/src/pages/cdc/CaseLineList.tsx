/**
 * The case line list behind a signal (GET /api/surveillance/signals/{id}/cases): one row per case
 * report the user may read, with the resident's name, sex and age when the role may read the Patient
 * (the CDC reads the Patients who have a case report). The server audits every line it returns.
 * For accumulating charts (glrnb, cusum) the excess may be older than the alarm day: the window can
 * be widened to the 7 or 28 days ending with it.
 */
import type { Patient } from '@medplum/fhirtypes';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api } from '../../api/client';
import { ApiError } from '../../api/errors';
import { ageAt, displayName } from '../../api/fhir-codes';
import type { District } from '../../api/org-units';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';
import { dateTime } from './format';

const WINDOWS = [0, 7, 28] as const;

async function patientsById(ids: string[]): Promise<Map<string, Patient>> {
  const out = new Map<string, Patient>();
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const r = await api.search<Patient>('Patient', { _id: chunk.join(','), _count: chunk.length });
    for (const p of r.resources) if (p.id) out.set(p.id, p);
  }
  return out;
}

export function CaseLineList({ signalId, district }: { signalId: string; district: District | undefined }) {
  const { t, n, locale } = useI18n();
  const selectId = useId();
  const [days, setDays] = useState<(typeof WINDOWS)[number]>(0);
  const cases = useQuery({ queryKey: ['cdc', 'cases', signalId, days], queryFn: () => api.signalCases(signalId, days || undefined) });
  const ids = [...new Set((cases.data?.cases ?? []).map((c) => c.patientId).filter((x): x is string => !!x))].sort();
  // Names are a nicety: a role that may not read Patients still gets the list.
  const patients = useQuery({ queryKey: ['cdc', 'case-patients', ids], queryFn: () => patientsById(ids), enabled: ids.length > 0, retry: false });

  let body;
  if (cases.isPending) body = <Loading inline />;
  else if (cases.error)
    body =
      cases.error instanceof ApiError && cases.error.status === 403 ? <p className="notice">{t('cdc.cases.forbidden')}</p> : <ErrorBox error={cases.error} onRetry={() => void cases.refetch()} />;
  else if (cases.data.cases.length === 0) body = <Empty text={cases.data.total > 0 ? t('cdc.cases.noneVisible', { total: n(cases.data.total) }) : t('cdc.cases.none')} />;
  else {
    const d = cases.data;
    body = (
      <>
        <p className="muted small" data-testid="cases-count">
          {t('cdc.cases.count', { visible: n(d.visible), total: n(d.total), from: d.from, to: d.to })}
        </p>
        <div className="table-wrap">
          <table className="table" data-testid="case-lines">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('cdc.cases.name')}</th>
                <th scope="col">{t('cdc.cases.sexAge')}</th>
                <th scope="col">{t('cdc.cases.place')}</th>
                <th scope="col">{t('cdc.cases.residentId')}</th>
                <th scope="col">{t('cdc.cases.code')}</th>
                <th scope="col">{t('cdc.cases.diagnosed')}</th>
                <th scope="col">{t('cdc.cases.reported')}</th>
                <th scope="col">{t('cdc.cases.timely')}</th>
              </tr>
            </thead>
            <tbody>
              {d.cases.map((c, i) => {
                const p = c.patientId ? patients.data?.get(c.patientId) : undefined;
                const age = p ? ageAt(p.birthDate, new Date(`${c.day}T00:00:00Z`)) : undefined;
                const place = c.orgUnit ? (district?.units.get(c.orgUnit)?.name ?? c.orgUnit) : '—';
                return (
                  <tr key={c.conditionId} data-testid="case-line">
                    <td>{i + 1}</td>
                    <td>{p ? displayName(p.name) : patients.isPending && ids.length ? '…' : '—'}</td>
                    <td>
                      {p?.gender ? t(`gender.${p.gender}` as MessageKey) : '—'}
                      {age !== undefined ? ` · ${t('patient.age', { n: age })}` : ''}
                    </td>
                    <td>{place}</td>
                    <td className="mono" data-testid="case-resident-id">
                      {c.residentId}
                    </td>
                    <td className="mono">
                      {c.code}
                      {c.verification && c.verification !== 'confirmed' ? <span className="badge resolved">{t(`cdc.cases.verification.${c.verification === 'provisional' || c.verification === 'unconfirmed' ? 'suspected' : 'other'}`)}</span> : null}
                    </td>
                    <td>{dateTime(c.diagnosedAt, locale)}</td>
                    <td>{dateTime(c.reportedAt, locale)}</td>
                    <td>{c.late === null ? '—' : c.late ? <span className="status-badge status-new">{t('cdc.cases.late')}</span> : <span className="badge">{t('cdc.cases.onTime')}</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </>
    );
  }

  return (
    <section className="panel" aria-labelledby="cases-h" data-testid="cases">
      <div className="panel-head">
        <h2 id="cases-h">{t('cdc.cases')}</h2>
        <label htmlFor={selectId}>
          {t('cdc.cases.window')}{' '}
          <select id={selectId} value={days} onChange={(e) => setDays(Number(e.target.value) as (typeof WINDOWS)[number])}>
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                {w === 0 ? t('cdc.cases.window.evidence') : t('cdc.cases.window.days', { n: w })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {body}
    </section>
  );
}
