/**
 * Pharmacist workspace: dispensing long prescriptions (issue 9). Pick the dispensing facility, see
 * its stock (GET /api/chronic/stock) and the refills falling due in the area
 * (GET /api/chronic/refills), find a patient, see their active prescriptions with the fills handed
 * over, and record a dispense (POST /api/chronic/dispenses: MedicationDispense + stock decrement
 * in one transaction). URL state: patient, q.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { patientsById, refills, stock } from '../../api/chronic';
import { displayName, identifierValue, RESIDENT_ID_SYSTEM } from '../../api/fhir-codes';
import { loadDistrict } from '../../api/org-units';
import { useAuth } from '../../components/AuthProvider';
import { PatientSearchForm, usePatientSearch, useUrlParams } from '../../components/PatientSearch';
import { Empty, ErrorBox, Loading, QueryState } from '../../components/Status';
import { useI18n } from '../../i18n';
import '../workstation/workstation.css';
import { PatientPrescriptions } from './PatientPrescriptions';
import { useDrugName } from './useDrugName';

const FACILITY_KEY = 'hb.dispense.facility';

export function DispensePage() {
  const { t } = useI18n();
  const { orgUnits } = useAuth();
  const [params, update] = useUrlParams();
  const patient = params.get('patient');
  const { q, results } = usePatientSearch();
  const district = useQuery({ queryKey: ['district'], queryFn: loadDistrict, staleTime: Infinity });
  // Facilities of the user's area first (township centres and village clinics), then the district's own.
  const facilities = useMemo(() => {
    const all = district.data?.facilities ?? [];
    if (orgUnits.length === 0) return all;
    const within = all.filter((f) => orgUnits.some((u) => f.orgUnit.startsWith(u)));
    return [...within, ...all.filter((f) => !within.includes(f) && orgUnits.some((u) => u.startsWith(f.orgUnit)))];
  }, [district.data, orgUnits]);
  const [facility, setFacility] = useState<string>(() => localStorage.getItem(FACILITY_KEY) ?? '');
  useEffect(() => {
    if (facilities.length && !facilities.some((f) => f.id === facility)) setFacility(facilities[0].id);
  }, [facilities, facility]);
  useEffect(() => {
    if (facility) localStorage.setItem(FACILITY_KEY, facility);
  }, [facility]);

  return (
    <div className="page">
      <h1>{t('dsp.title')}</h1>
      <div className="filters">
        <label>
          {t('dsp.facility')}
          {district.isPending ? (
            <Loading inline />
          ) : (
            <select value={facility} onChange={(e) => setFacility(e.target.value)} data-testid="dispense-facility">
              {facilities.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
          )}
        </label>
      </div>
      {district.error && <ErrorBox error={district.error} onRetry={() => void district.refetch()} />}
      <div className="dispense-grid">
        <div>
          <PatientSearchForm inputId="dispense-q" label={t('dsp.searchLabel')} testId="dispense-search" className="search-form panel">
            {q && (
              <QueryState query={results} isEmpty={(d) => d.patients.length === 0} emptyText={t('ws.noResults')}>
                {(d) => (
                  <ul className="plain-list" data-testid="dispense-results">
                    {d.patients.map((p) => (
                      <li key={p.id}>
                        <button type="button" className="link-button" onClick={() => update({ patient: p.id! })} aria-pressed={patient === p.id} data-testid="dispense-pick">
                          {displayName(p.name)}
                        </button>{' '}
                        <span className="muted small">
                          {p.birthDate} · <span className="mono">{identifierValue(p.identifier, RESIDENT_ID_SYSTEM)}</span>
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </QueryState>
            )}
          </PatientSearchForm>
          {patient ? <PatientPrescriptions key={patient} patient={patient} facility={facility} /> : <p className="muted">{t('dsp.pickPatient')}</p>}
          <RefillsDue onPick={(id) => update({ patient: id })} />
        </div>
        <StockPanel facility={facility} />
      </div>
    </div>
  );
}

function RefillsDue({ onPick }: { onPick: (patient: string) => void }) {
  const { t } = useI18n();
  const drugName = useDrugName();
  const due = useQuery({ queryKey: ['dispense', 'refills'], queryFn: () => refills({ within: 7, _count: 50 }) });
  const ids = due.data?.rows.map((r) => r.resident) ?? [];
  const names = useQuery({ queryKey: ['chronic', 'names', ids], queryFn: () => patientsById(ids), enabled: ids.length > 0, staleTime: 5 * 60_000 });
  return (
    <section className="panel" aria-labelledby="refills-h" data-testid="refills-due">
      <h2 id="refills-h">{t('dsp.refills')}</h2>
      <p className="muted small">{t('dsp.refillsHint')}</p>
      <QueryState query={due} isEmpty={(d) => d.rows.length === 0} emptyText={t('dsp.noRefills')}>
        {(d) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('ws.col.name')}</th>
                  <th scope="col">{t('dsp.col.drug')}</th>
                  <th scope="col">{t('dsp.col.due')}</th>
                  <th scope="col">{t('dsp.col.fills')}</th>
                  <th scope="col">{t('dsp.col.kind')}</th>
                </tr>
              </thead>
              <tbody>
                {d.rows.map((r) => {
                  const p = names.data?.get(r.resident);
                  return (
                    <tr key={r.prescription} data-testid="refill-row" data-patient={r.resident}>
                      <td>
                        <button type="button" className="link-button" onClick={() => onPick(r.resident)}>
                          {p ? displayName(p.name) : r.resident.slice(0, 8)}
                        </button>
                      </td>
                      <td>{drugName(r.drug)}</td>
                      <td className="nowrap">{r.due}</td>
                      <td className="num">
                        {r.fills} / {r.fillsAllowed}
                      </td>
                      <td>{r.kind === 'refill' ? t('dsp.kind.refill') : t('dsp.kind.renewal')}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {d.total > d.rows.length && <p className="muted small">{t('common.more', { n: d.total - d.rows.length })}</p>}
          </div>
        )}
      </QueryState>
    </section>
  );
}

function StockPanel({ facility }: { facility: string }) {
  const { t, n } = useI18n();
  const drugName = useDrugName();
  const s = useQuery({ queryKey: ['dispense', 'stock', facility], queryFn: () => stock(facility), enabled: !!facility });
  return (
    <section className="panel" aria-labelledby="stock-h" data-testid="stock-panel">
      <h2 id="stock-h">{t('dsp.stock')}</h2>
      {!facility ? (
        <Empty text={t('dsp.noFacility')} />
      ) : (
        <QueryState query={s} isEmpty={(d) => d.rows.length === 0} emptyText={t('dsp.noStock')}>
          {(d) => (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('dsp.col.drug')}</th>
                  <th scope="col" className="num">
                    {t('dsp.col.quantity')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.rows.map((r) => (
                  <tr key={r.drug} data-testid="stock-row" data-drug={r.drug}>
                    <td>{drugName(r.drug)}</td>
                    <td className="num" data-testid={`stock-${r.drug}`}>
                      {n(r.quantity)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      )}
      <p className="muted small">{t('dsp.stockHint')}</p>
    </section>
  );
}
