/**
 * Patient search kept in the URL (`?q=`): the search form and the query behind it, shared by the pages
 * that start from finding a resident (workstation, dispensing). Each page renders the results its own way.
 */
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { searchPatients } from '../api/patients';
import { useI18n } from '../i18n';

/** The URL's search parameters and a setter that changes some of them (null removes one), keeping the others. */
export function useUrlParams(): [URLSearchParams, (changes: Record<string, string | null>) => void] {
  const [params, setParams] = useSearchParams();
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) if (v) next.set(k, v);
    else next.delete(k);
    setParams(next);
  };
  return [params, update];
}

/** The search text in the URL and the patients it finds (not run while empty). */
export function usePatientSearch() {
  const [params] = useSearchParams();
  const q = params.get('q') ?? '';
  const results = useQuery({ queryKey: ['patient-search', q], queryFn: () => searchPatients(q), enabled: q.trim().length > 0 });
  return { q, results };
}

/** The search form: a labelled text box and a search button; submitting puts the text in `?q=`. */
export function PatientSearchForm({ inputId, label, testId, className = 'search-form', children }: { inputId: string; label: string; testId: string; className?: string; children?: ReactNode }) {
  const { t } = useI18n();
  const [params, update] = useUrlParams();
  const [text, setText] = useState(params.get('q') ?? '');
  function submit(e: FormEvent) {
    e.preventDefault();
    update({ q: text.trim() || null });
  }
  return (
    <form className={className} role="search" onSubmit={submit}>
      <label htmlFor={inputId}>{label}</label>
      <div className="search-row">
        <input id={inputId} name="q" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('ws.searchPlaceholder')} autoComplete="off" data-testid={testId} />
        <button type="submit" className="primary">
          {t('common.search')}
        </button>
      </div>
      {children}
    </form>
  );
}
