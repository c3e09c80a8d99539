/**
 * Linked sources (issue 9): the other Patient records the master patient index links to the same
 * person (docs/mpi.md "API": GET /mpi/patients/{id}/person, GET /mpi/persons/{id}), each with its
 * source organisation and identifiers exactly as the FHIR API returned them (masking is the server's).
 */
import { Link } from 'react-router';
import { displayName, identifierValue, RESIDENT_ID_SYSTEM } from '../../api/fhir-codes';
import type { LinkedRecord } from '../../api/patients';
import { useI18n, type MessageKey } from '../../i18n';
import { Empty } from '../Status';

export function LinkedRecords({ person, records }: { person: string | null; records: LinkedRecord[] }) {
  const { t } = useI18n();
  if (!person) return <Empty text={t('p360.notLinked')} />;
  return (
    <div data-testid="linked-records" data-person={person}>
      <p className="muted small">{t('p360.person', { id: person })}</p>
      {records.length === 0 ? (
        <Empty text={t('p360.noLinked')} />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{t('p360.linked')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('ws.col.name')}</th>
                <th scope="col">{t('p360.source')}</th>
                <th scope="col">{t('patient.residentId')}</th>
                <th scope="col">{t('p360.link')}</th>
              </tr>
            </thead>
            <tbody>
              {records.map((r) => {
                const residentId = identifierValue(r.patient.identifier, RESIDENT_ID_SYSTEM) ?? r.patient.identifier?.[0]?.value;
                return (
                  <tr key={r.patient.id} data-testid="linked-record" data-patient={r.patient.id}>
                    <td>
                      <Link to={`/patients/${r.patient.id}`}>{displayName(r.patient.name) || r.patient.id}</Link>
                    </td>
                    <td>{r.organisation ?? '—'}</td>
                    <td className="mono">{residentId ?? '—'}</td>
                    <td className="small">{r.assurance ? t(`p360.assurance.${r.assurance === 'level4' ? 'level4' : 'level3'}` as MessageKey) : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
