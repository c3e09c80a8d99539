/**
 * Family-doctor / village-doctor workstation: find a resident by name, resident ID or patient id;
 * today's work (due, overdue, urgent, risk Tasks, lost) with the registry's counts; record a
 * follow-up in one form. State kept in the URL: q (search), list (tab), cond (programme), fu (patient
 * whose follow-up form is open).
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { ChronicCondition, FollowUpResult } from '../api/chronic';
import { displayName, identifierValue, pinyinName, RESIDENT_ID_SYSTEM } from '../api/fhir-codes';
import { loadDistrict } from '../api/org-units';
import { useAuth } from '../components/AuthProvider';
import { PatientSearchForm, usePatientSearch, useUrlParams } from '../components/PatientSearch';
import { QueryState } from '../components/Status';
import { useI18n, type MessageKey } from '../i18n';
import { FollowUpForm } from './workstation/FollowUpForm';
import { RegistrySummary } from './workstation/RegistrySummary';
import { WORK_TABS, WorkList, type WorkTab } from './workstation/WorkList';
import './workstation/workstation.css';

export function WorkstationPage() {
  const { t } = useI18n();
  const [params, update] = useUrlParams();
  const { q, results } = usePatientSearch();
  const { orgUnits } = useAuth();
  const district = useQuery({ queryKey: ['district'], queryFn: loadDistrict, staleTime: Infinity, enabled: orgUnits.length === 0 });
  const summaryUnit = orgUnits[0] ?? district.data?.root?.code;
  const tab = (WORK_TABS as readonly string[]).includes(params.get('list') ?? '') ? (params.get('list') as WorkTab) : 'due';
  const cond = params.get('cond');
  const condition = cond === 'hypertension' || cond === 'diabetes' ? (cond as ChronicCondition) : undefined;
  const followUp = params.get('fu');
  const [saved, setSaved] = useState<{ name: string; result: FollowUpResult } | null>(null);

  function openFollowUp(patient: string) {
    setSaved(null);
    update({ fu: patient });
    requestAnimationFrame(() => document.getElementById('follow-up')?.scrollIntoView({ block: 'start' }));
  }

  return (
    <div className="page">
      <h1>{t('ws.title')}</h1>
      <PatientSearchForm inputId="patient-q" label={t('ws.searchLabel')} testId="patient-search">
        <p className="muted small">{t('ws.hint')}</p>
      </PatientSearchForm>
      {q && (
        <section aria-labelledby="results-h" className="panel">
          <h2 id="results-h">{t('ws.results')}</h2>
          <QueryState query={results} isEmpty={(d) => d.patients.length === 0} emptyText={t('ws.noResults')}>
            {(d) => (
              <div className="table-wrap">
                <table className="table" data-testid="patient-results">
                  <thead>
                    <tr>
                      <th scope="col">{t('ws.col.name')}</th>
                      <th scope="col">{t('ws.col.gender')}</th>
                      <th scope="col">{t('ws.col.birthDate')}</th>
                      <th scope="col">{t('ws.col.id')}</th>
                      <th scope="col">{t('ws.col.address')}</th>
                      <th scope="col">
                        <span className="visually-hidden">{t('wl.col.actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.patients.map((p) => (
                      <tr key={p.id}>
                        <td>
                          <Link to={`/patients/${p.id}`} data-testid="patient-link">
                            {displayName(p.name)}
                          </Link>{' '}
                          <span className="muted small">{pinyinName(p.name)}</span>
                        </td>
                        <td>{p.gender ? t(`gender.${p.gender}` as MessageKey) : ''}</td>
                        <td>{p.birthDate}</td>
                        <td className="mono">{identifierValue(p.identifier, RESIDENT_ID_SYSTEM)}</td>
                        <td>{p.address?.[0]?.text}</td>
                        <td>
                          <button type="button" onClick={() => openFollowUp(p.id!)} aria-label={t('wl.followUpFor', { name: displayName(p.name) })}>
                            {t('wl.followUp')}
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {d.more && <p className="muted small">{t('common.more', { n: '20+' })}</p>}
              </div>
            )}
          </QueryState>
        </section>
      )}
      {saved && (
        <div className="success-box" role="status" data-testid="follow-up-saved">
          {t('fu.saved', { name: saved.name })}{' '}
          {saved.result.registry.map((r) => (
            <span key={r.condition}>{t('fu.savedStatus', { condition: t(`cond.${r.condition}` as MessageKey), status: t(`status.${r.status}` as MessageKey), next: r.nextDue ?? '—' })} </span>
          ))}
        </div>
      )}
      {followUp && (
        <section id="follow-up" className="panel" data-testid="follow-up-panel">
          <FollowUpForm
            key={followUp}
            patient={followUp}
            onCancel={() => update({ fu: null })}
            onDone={(result, name) => {
              setSaved({ name, result });
              update({ fu: null });
            }}
          />
        </section>
      )}
      {summaryUnit && <RegistrySummary orgUnit={summaryUnit} />}
      <div className="filters">
        <label>
          {t('wl.condition')}
          <select value={condition ?? ''} onChange={(e) => update({ cond: e.target.value || null })} data-testid="worklist-condition">
            <option value="">{t('wl.allConditions')}</option>
            <option value="hypertension">{t('cond.hypertension')}</option>
            <option value="diabetes">{t('cond.diabetes')}</option>
          </select>
        </label>
      </div>
      <WorkList tab={tab} onTab={(x) => update({ list: x })} condition={condition} onFollowUp={openFollowUp} />
    </div>
  );
}
