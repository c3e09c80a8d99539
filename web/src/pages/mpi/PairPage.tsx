/**
 * One possible-match pair: the two Patient records side by side (name, pinyin, gender, birth date,
 * resident ID, phone, address, managing organisation, other identifiers), the match score the
 * server computed (P(match) and Fellegi–Sunter weight, reason, flags), and the steward's decision:
 * link (same person: the two persons are merged) or reject (different people: never proposed again).
 *
 * The server returns one score per pair, not its per-field comparison levels or weights; the
 * "same / differs" marks here compare the shown text only (a reading aid, not the matcher's verdict).
 */
import type { Patient } from '@medplum/fhirtypes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/errors';
import { confirmReview, findReview, PAIR_FIELDS, pairFields, patientsById, rejectReview, sameShown, type PairField, type ReviewItem } from '../../api/mpi';
import { StatTile } from '../../components/StatTile';
import { ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';
import { FlagList, percentOf, ReasonText } from './parts';

type Decided = Awaited<ReturnType<typeof confirmReview>> | Awaited<ReturnType<typeof rejectReview>>;

const KNOWN_REASONS = ['weight', 'id-chain', 'bridge'];
const MONO: ReadonlySet<PairField> = new Set(['residentId', 'phone', 'birthDate', 'identifiers']);

function SideBySide({ pair, a, b }: { pair: ReviewItem; a: Patient | undefined; b: Patient | undefined }) {
  const { t } = useI18n();
  const fa = pairFields(a);
  const fb = pairFields(b);
  const show = (f: PairField, v: string) => (v ? (f === 'gender' ? t(`mpi.gender.${v}` as MessageKey) : v) : '—');
  return (
    <div className="table-wrap">
      <table className="table" data-testid="mpi-compare">
        <thead>
          <tr>
            <th scope="col">{t('mpi.field')}</th>
            <th scope="col">
              {t('mpi.recordA')} <span className="mono small muted">{pair.patientA}</span>
            </th>
            <th scope="col">
              {t('mpi.recordB')} <span className="mono small muted">{pair.patientB}</span>
            </th>
            <th scope="col">{t('mpi.shown')}</th>
          </tr>
        </thead>
        <tbody>
          {PAIR_FIELDS.map((f) => {
            const same = sameShown(fa[f], fb[f]);
            const style = same === false ? { background: '#fff7e0' } : undefined;
            return (
              <tr key={f} data-testid={`mpi-field-${f}`} data-same={same === null ? 'missing' : String(same)} style={style}>
                <th scope="row">{t(`mpi.field.${f}` as MessageKey)}</th>
                <td className={MONO.has(f) ? 'mono' : undefined} data-testid={`mpi-a-${f}`}>
                  {show(f, fa[f])}
                </td>
                <td className={MONO.has(f) ? 'mono' : undefined} data-testid={`mpi-b-${f}`}>
                  {show(f, fb[f])}
                </td>
                <td className="small">{same === null ? <span className="muted">{t('mpi.shown.missing')}</span> : same ? t('mpi.shown.same') : <strong>{t('mpi.shown.differs')}</strong>}</td>
              </tr>
            );
          })}
          <tr>
            <th scope="row">{t('mpi.person')}</th>
            <td>{pair.personA ? <Link to={`/mpi/people/${pair.personA}`} className="mono small">{pair.personA}</Link> : '—'}</td>
            <td>{pair.personB ? <Link to={`/mpi/people/${pair.personB}`} className="mono small">{pair.personB}</Link> : '—'}</td>
            <td />
          </tr>
          <tr>
            <th scope="row">{t('mpi.flags')}</th>
            <td>
              <FlagList flags={pair.flagsA} />
            </td>
            <td>
              <FlagList flags={pair.flagsB} />
            </td>
            <td />
          </tr>
        </tbody>
      </table>
    </div>
  );
}

export function PairPage() {
  const { t, n } = useI18n();
  const id = Number(useParams().id);
  const client = useQueryClient();
  const pair = useQuery({ queryKey: ['mpi', 'pair', id], queryFn: () => findReview(id), enabled: Number.isInteger(id) && id > 0 });
  const records = useQuery({ queryKey: ['mpi', 'pair-records', id], queryFn: () => patientsById([pair.data!.patientA, pair.data!.patientB]), enabled: !!pair.data });
  const decide = useMutation({
    // `persons`: the pair's two persons before the decision (a refetched pair shows them merged).
    mutationFn: async (v: { decision: 'confirm' | 'reject'; persons: (string | null)[] }): Promise<Decided> => (v.decision === 'confirm' ? confirmReview(id) : rejectReview(id)),
    onSettled: () => void client.invalidateQueries({ queryKey: ['mpi'] }),
  });

  if (!Number.isInteger(id) || id < 1) return <ErrorBox error={new Error(t('mpi.pairNotFound'))} />;
  if (pair.isPending) return <Loading />;
  if (pair.error) return <ErrorBox error={pair.error} onRetry={() => void pair.refetch()} />;
  const p = pair.data;
  if (!p) return <ErrorBox error={new Error(t('mpi.pairNotFound'))} />;
  const result = decide.data;
  // The source person of a confirmed merge (the one that is not the kept target) can be unmerged.
  const mergedPerson = result && result.status === 'confirmed' ? decide.variables?.persons.find((x) => x && x !== result.person) : undefined;
  const open = p.status === 'open' && !result;

  return (
    <div className="page" data-testid="mpi-pair">
      <nav aria-label="breadcrumb" className="breadcrumb">
        <Link to="/mpi" data-testid="back-to-queue">
          {t('mpi.title')}
        </Link>{' '}
        › {t('mpi.open', { id: p.id })}
      </nav>
      <h1>
        {t('mpi.pairTitle', { id: p.id })}{' '}
        <small className="muted" data-testid="mpi-pair-status" data-status={result?.status ?? p.status}>
          {t(`mpi.status.${result?.status ?? p.status}` as MessageKey)}
        </small>
      </h1>
      <div className="stats">
        <StatTile id="mpi-probability" label={t('mpi.probability')} value={percentOf(n, p.probability)} hint={t('mpi.probabilityHint')} />
        <StatTile id="mpi-weight" label={t('mpi.weight')} value={n(p.weight, { maximumFractionDigits: 2 })} hint={t('mpi.weightHint')} />
        <StatTile id="mpi-reason" label={t('mpi.reason')} value={<ReasonText reason={p.reason} />} hint={KNOWN_REASONS.includes(p.reason) ? t(`mpi.reasonHint.${p.reason}` as MessageKey) : ''} />
        <StatTile id="mpi-created" label={t('mpi.created')} value={<span className="small">{p.created.slice(0, 16).replace('T', ' ')}</span>} hint={p.decidedBy ? t('mpi.decidedBy', { who: p.decidedBy, at: p.decidedAt?.slice(0, 16).replace('T', ' ') ?? '' }) : ''} />
      </div>
      <section className="panel" aria-labelledby="mpi-compare-h">
        <h2 id="mpi-compare-h">{t('mpi.compare')}</h2>
        {records.isPending ? <Loading inline /> : records.error ? <ErrorBox error={records.error} onRetry={() => void records.refetch()} /> : <SideBySide pair={p} a={records.data.get(p.patientA)} b={records.data.get(p.patientB)} />}
        <p className="muted small">{t('mpi.perFieldNote')}</p>
      </section>
      <section className="panel" aria-labelledby="mpi-decide-h">
        <h2 id="mpi-decide-h">{t('mpi.decision')}</h2>
        {open && (
          <div className="workflow-buttons">
            <button type="button" className="primary" disabled={decide.isPending} onClick={() => decide.mutate({ decision: 'confirm', persons: [p.personA, p.personB] })} data-testid="mpi-link">
              {t('mpi.link')}
            </button>
            <button type="button" disabled={decide.isPending} onClick={() => decide.mutate({ decision: 'reject', persons: [p.personA, p.personB] })} data-testid="mpi-reject">
              {t('mpi.reject')}
            </button>
            <span className="muted small">{t('mpi.decisionHint')}</span>
          </div>
        )}
        {decide.error && (
          <>
            {decide.error instanceof ApiError && decide.error.status === 409 && <p className="notice">{t('mpi.conflict')}</p>}
            <ErrorBox error={decide.error} />
          </>
        )}
        {result && (
          <div role="status" data-testid="mpi-decided">
            <p>
              {result.status === 'confirmed' ? t('mpi.linked', { n: n(result.moved.length) }) : t('mpi.rejected')}{' '}
              {result.status === 'confirmed' && (
                <Link to={`/mpi/people/${result.person}`} className="mono" data-testid="mpi-kept-person">
                  {result.person}
                </Link>
              )}
            </p>
            {mergedPerson && (
              <p>
                {t('mpi.undoHint')}{' '}
                <Link to={`/mpi/people/${mergedPerson}`} data-testid="mpi-merged-person">
                  {t('mpi.mergedPerson', { id: mergedPerson })}
                </Link>
              </p>
            )}
            <Link to="/mpi">{t('mpi.backToQueue')}</Link>
          </div>
        )}
        {!open && !result && <p className="muted">{t('mpi.alreadyDecided')}</p>}
      </section>
    </div>
  );
}
