/**
 * A golden person of the MPI: its linked Patient records (manual = level4, automatic = level3),
 * its audit trail, and the steward's undo: "undo merge" on a person that was merged into another
 * (POST /mpi/unmerge {person}: the Patients the merge moved go back) and "take out" on one record
 * (POST /mpi/unmerge {patient}: into a person of its own).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { displayName, refId } from '../../api/fhir-codes';
import { mergedInto, pairFields, patientsById, person, personHistory, unmergePatient, unmergePerson } from '../../api/mpi';
import { Empty, ErrorBox, Loading, QueryState } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';

const ACTIONS = ['auto-link', 'auto-relink', 'unlink', 'merge', 'unmerge', 'batch-relink'];

export function PersonPage() {
  const { t, n } = useI18n();
  const id = useParams().id ?? '';
  const client = useQueryClient();
  const golden = useQuery({ queryKey: ['mpi', 'person', id], queryFn: () => person(id) });
  const history = useQuery({ queryKey: ['mpi', 'person-history', id], queryFn: () => personHistory(id) });
  const members = (golden.data?.link ?? []).map((l) => ({ id: refId(l.target) ?? '', assurance: l.assurance }));
  const records = useQuery({ queryKey: ['mpi', 'person-records', id, members.map((m) => m.id)], queryFn: () => patientsById(members.map((m) => m.id)), enabled: members.length > 0 });
  const undo = useMutation({ mutationFn: () => unmergePerson(id), onSettled: () => void client.invalidateQueries({ queryKey: ['mpi'] }) });
  const takeOut = useMutation({ mutationFn: (patient: string) => unmergePatient(patient), onSettled: () => void client.invalidateQueries({ queryKey: ['mpi'] }) });

  if (golden.isPending) return <Loading />;
  if (golden.error) return <ErrorBox error={golden.error} onRetry={() => void golden.refetch()} />;
  const p = golden.data;
  const into = mergedInto(p);
  const state = p.active ? 'active' : into ? 'merged' : 'retired';

  return (
    <div className="page" data-testid="mpi-person">
      <nav aria-label="breadcrumb" className="breadcrumb">
        <Link to="/mpi">{t('mpi.title')}</Link> › {t('mpi.person')}
      </nav>
      <h1>
        {t('mpi.personTitle')} <span className="mono small">{id}</span>{' '}
        <small className="muted" data-testid="mpi-person-state" data-state={state}>
          {t(`mpi.personState.${state}` as MessageKey)}
        </small>
      </h1>
      {into && (
        <section className="panel" aria-labelledby="mpi-undo-h">
          <h2 id="mpi-undo-h">{t('mpi.mergedInto')}</h2>
          <p>
            <Link to={`/mpi/people/${into}`} className="mono">
              {into}
            </Link>
          </p>
          <button type="button" className="primary" disabled={undo.isPending} onClick={() => undo.mutate()} data-testid="mpi-unmerge">
            {t('mpi.unmerge')}
          </button>{' '}
          <span className="muted small">{t('mpi.unmergeHint')}</span>
          {undo.error && <ErrorBox error={undo.error} />}
        </section>
      )}
      {/* Outside the section above: once undone, the person is active again and that section goes. */}
      {undo.data && (
        <p role="status" className="notice" data-testid="mpi-unmerged">
          {t('mpi.unmerged', { n: n(undo.data.moved.length) })}
        </p>
      )}
      <section className="panel" aria-labelledby="mpi-records-h">
        <h2 id="mpi-records-h">{t('mpi.records', { n: n(members.length) })}</h2>
        {members.length === 0 ? (
          <Empty text={t('mpi.noRecords')} />
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="mpi-person-records">
              <thead>
                <tr>
                  <th scope="col">{t('mpi.field.name')}</th>
                  <th scope="col">{t('mpi.field.birthDate')}</th>
                  <th scope="col">{t('mpi.field.residentId')}</th>
                  <th scope="col">{t('mpi.field.managingOrg')}</th>
                  <th scope="col">{t('mpi.linkKind')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {members.map((m) => {
                  const rec = records.data?.get(m.id);
                  const f = pairFields(rec);
                  return (
                    <tr key={m.id} data-testid="mpi-person-record" data-patient={m.id}>
                      <td>{rec ? displayName(rec.name) || t('mpi.noName') : <span className="mono small">{m.id}</span>}</td>
                      <td className="mono">{f.birthDate || '—'}</td>
                      <td className="mono">{f.residentId || '—'}</td>
                      <td>{f.managingOrg || '—'}</td>
                      <td>{t(m.assurance === 'level4' ? 'mpi.linkKind.manual' : 'mpi.linkKind.auto')}</td>
                      <td>
                        {p.active && members.length > 1 && (
                          <button type="button" disabled={takeOut.isPending} onClick={() => takeOut.mutate(m.id)} data-testid="mpi-take-out">
                            {t('mpi.takeOut')}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {takeOut.error && <ErrorBox error={takeOut.error} />}
        {takeOut.data && (
          <p role="status">
            {t('mpi.takenOut')}{' '}
            <Link to={`/mpi/people/${takeOut.data.person}`} className="mono">
              {takeOut.data.person}
            </Link>
          </p>
        )}
      </section>
      <section className="panel" aria-labelledby="mpi-history-h">
        <h2 id="mpi-history-h">{t('mpi.history')}</h2>
        <QueryState query={history} isEmpty={(d) => d.events.length === 0}>
          {(d) => (
            <ul className="history" data-testid="mpi-history">
              {[...d.events].reverse().map((e) => (
                <li key={e.id} data-testid="mpi-history-event" data-action={e.action}>
                  <strong>{ACTIONS.includes(e.action) ? t(`mpi.action.${e.action}` as MessageKey) : e.action}</strong> · {e.recorded.slice(0, 16).replace('T', ' ')} · {e.actor}
                  {e.patient && (
                    <span className="mono small">
                      {' '}
                      · {t('mpi.patient')} {e.patient}
                    </span>
                  )}
                  {e.from && e.to && (
                    <span className="mono small">
                      {' '}
                      · {e.from} → {e.to}
                    </span>
                  )}
                  {e.detail && <span className="history-note">{e.detail}</span>}
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </section>
    </div>
  );
}
