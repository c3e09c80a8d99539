/** Family-doctor / village-doctor workstation: find a resident by name, resident ID or patient id. */
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { displayName, identifierValue, pinyinName, RESIDENT_ID_SYSTEM } from '../api/fhir-codes';
import { searchPatients } from '../api/patients';
import { Empty, ErrorBox, Loading } from '../components/Status';
import { useI18n, type MessageKey } from '../i18n';

export function WorkstationPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const results = useQuery({ queryKey: ['patient-search', q], queryFn: () => searchPatients(q), enabled: q.trim().length > 0 });

  function submit(e: FormEvent) {
    e.preventDefault();
    setParams(text.trim() ? { q: text.trim() } : {});
  }

  return (
    <div className="page">
      <h1>{t('ws.title')}</h1>
      <form className="search-form" role="search" onSubmit={submit}>
        <label htmlFor="patient-q">{t('ws.searchLabel')}</label>
        <div className="search-row">
          <input id="patient-q" name="q" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('ws.searchPlaceholder')} autoComplete="off" data-testid="patient-search" />
          <button type="submit" className="primary">
            {t('common.search')}
          </button>
        </div>
        <p className="muted small">{t('ws.hint')}</p>
      </form>
      {q && (
        <section aria-labelledby="results-h" className="panel">
          <h2 id="results-h">{t('ws.results')}</h2>
          {results.isPending ? (
            <Loading inline />
          ) : results.error ? (
            <ErrorBox error={results.error} onRetry={() => void results.refetch()} />
          ) : results.data.patients.length === 0 ? (
            <Empty text={t('ws.noResults')} />
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="patient-results">
                <thead>
                  <tr>
                    <th scope="col">{t('ws.col.name')}</th>
                    <th scope="col">{t('ws.col.gender')}</th>
                    <th scope="col">{t('ws.col.birthDate')}</th>
                    <th scope="col">{t('ws.col.id')}</th>
                    <th scope="col">{t('ws.col.address')}</th>
                  </tr>
                </thead>
                <tbody>
                  {results.data.patients.map((p) => (
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
                    </tr>
                  ))}
                </tbody>
              </table>
              {results.data.more && <p className="muted small">{t('common.more', { n: '20+' })}</p>}
            </div>
          )}
        </section>
      )}
    </div>
  );
}
