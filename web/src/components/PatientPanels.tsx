/** The panels of the patient 360 view: conditions, medicines and dispenses, encounter timeline (risk, tasks and linked records: ./patient/). */
import type { Condition, Encounter, MedicationDispense, MedicationRequest } from '@medplum/fhirtypes';
import { CONDITION_CATEGORY, codeIn, conceptText, ENCOUNTER_TYPE_SYSTEM, ICD10_SYSTEM, refId } from '../api/fhir-codes';
import { useI18n, type MessageKey } from '../i18n';
import { Empty } from './Status';
import type { ResidentAdherence } from '../api/chronic';

const day = (s: string | undefined) => (s ? s.slice(0, 10) : '');

function isProblem(c: Condition): boolean {
  return !!c.category?.some((cat) => codeIn(cat, CONDITION_CATEGORY) === 'problem-list-item');
}

export function ConditionList({ conditions }: { conditions: Condition[] }) {
  const { t } = useI18n();
  if (conditions.length === 0) return <Empty text={t('patient.noConditions')} />;
  const sorted = [...conditions].sort((a, b) => Number(isProblem(b)) - Number(isProblem(a)) || (b.recordedDate ?? '').localeCompare(a.recordedDate ?? ''));
  return (
    <ul className="conditions" data-testid="conditions">
      {sorted.slice(0, 40).map((c) => {
        const status = c.clinicalStatus?.coding?.[0]?.code;
        return (
          <li key={c.id} className={isProblem(c) ? 'problem' : ''}>
            <span className="code mono">{codeIn(c.code, ICD10_SYSTEM)}</span> <span className="cond-name">{conceptText(c.code)}</span>{' '}
            {status === 'active' || status === 'resolved' ? <span className={`badge ${status}`}>{t(`patient.status.${status}` as MessageKey)}</span> : null}{' '}
            <span className="muted small">{t('patient.recorded', { date: day(c.recordedDate ?? c.onsetDateTime) })}</span>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * Active prescriptions, the dispense history (dates as handed over) and the adherence the server
 * computes (PDC per programme, PQA, over the 12 months to the last dispense: GET
 * /api/chronic/registry/:patient?asOf=); the browser computes no clinical figure.
 */
export function MedicineTables({ requests, dispenses, adherence = [] }: { requests: MedicationRequest[]; dispenses: MedicationDispense[]; adherence?: ResidentAdherence[] }) {
  const { t } = useI18n();
  const active = requests.filter((m) => m.status === 'active');
  const others = requests.length - active.length;
  return (
    <div className="grid-2">
      <div>
        <h3>{t('patient.medicines')}</h3>
        {active.length === 0 ? (
          <Empty text={t('patient.noMedicines')} />
        ) : (
          <ul className="plain-list" data-testid="medicines">
            {active.slice(0, 12).map((m) => (
              <li key={m.id} data-testid="medicine" data-request={m.id}>
                <strong>{conceptText(m.medicationCodeableConcept)}</strong> <span className="muted small">{day(m.authoredOn)}</span>
                <br />
                <span className="small">
                  {m.dosageInstruction?.[0]?.text} · {t('patient.days', { n: m.dispenseRequest?.expectedSupplyDuration?.value ?? '?' })}
                  {m.dispenseRequest?.numberOfRepeatsAllowed ? ` · ${t('patient.repeats', { n: m.dispenseRequest.numberOfRepeatsAllowed })}` : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
        {others > 0 && <p className="muted small">{t('p360.otherMeds', { n: others })}</p>}
      </div>
      <div>
        <h3>{t('patient.dispenses')}</h3>
        {adherence.map((a) => (
          <p key={a.condition} className="small" data-testid="pdc" data-condition={a.condition}>
            {t('p360.pdc', { cond: t(`cond.${a.condition}` as MessageKey), to: a.to, pct: a.pdc === null ? '—' : `${Math.round(a.pdc * 100)} %` })}{' '}
            <span className={`badge ${a.pdc === null ? 'resolved' : a.adherent ? '' : 'uncontrolled'}`}>{a.pdc === null ? t('p360.pdc.few') : a.adherent ? t('p360.pdc.ok') : t('p360.pdc.low')}</span>
          </p>
        ))}
        {dispenses.length === 0 ? (
          <Empty text={t('patient.noDispenses')} />
        ) : (
          <div className="table-wrap" style={{ maxHeight: 320, overflowY: 'auto' }}>
            <table className="table" data-testid="dispenses">
              <caption className="visually-hidden">{t('patient.dispenses')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('p360.col.handedOver')}</th>
                  <th scope="col">{t('p360.col.medicine')}</th>
                  <th scope="col">{t('p360.col.days')}</th>
                </tr>
              </thead>
              <tbody>
                {dispenses.slice(0, 40).map((d) => (
                  <tr key={d.id} data-testid="dispense">
                    <td className="mono small">{day(d.whenHandedOver)}</td>
                    <td>{conceptText(d.medicationCodeableConcept)}</td>
                    <td className="small">{t('patient.days', { n: d.daysSupply?.value ?? '?' })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {dispenses.length > 40 && <p className="muted small">{t('common.more', { n: dispenses.length - 40 })}</p>}
          </div>
        )}
      </div>
    </div>
  );
}

export function EncounterTimeline({ encounters, facilities, conditions }: { encounters: Encounter[]; facilities: Map<string, string>; conditions: Condition[] }) {
  const { t } = useI18n();
  if (encounters.length === 0) return <Empty text={t('patient.noEncounters')} />;
  const diagnoses = new Map<string, string[]>();
  for (const c of conditions) {
    const e = refId(c.encounter);
    if (e) diagnoses.set(e, [...(diagnoses.get(e) ?? []), conceptText(c.code)]);
  }
  return (
    <ol className="timeline" data-testid="timeline">
      {encounters.slice(0, 30).map((e) => {
        const kind = e.type?.map((x) => codeIn(x, ENCOUNTER_TYPE_SYSTEM)).find(Boolean);
        return (
          <li key={e.id}>
            <time dateTime={e.period?.start}>{day(e.period?.start)}</time>
            <div>
              <strong>{kind ? t(`encounter.${kind}` as MessageKey) : (e.class?.code ?? '')}</strong>
              <span className="muted"> · {facilities.get(e.serviceProvider?.reference ?? '') ?? ''}</span>
              {e.id && diagnoses.has(e.id) && <div className="small">{diagnoses.get(e.id)!.join('、')}</div>}
            </div>
          </li>
        );
      })}
      {encounters.length > 30 && <li className="muted small">{t('common.more', { n: encounters.length - 30 })}</li>}
    </ol>
  );
}
