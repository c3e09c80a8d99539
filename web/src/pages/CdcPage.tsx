/**
 * The CDC console (issue 9, on issue 5's /api/surveillance): response metrics, the signal list with
 * its filters (status, disease, area, dates; kept in the URL), and a tile view of the towns coloured
 * by open signals. A signal opens on its own page (cdc/SignalPage.tsx) with the evidence chart,
 * the workflow and the case line list.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useMemo, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { District, OrgUnit } from '../api/org-units';
import { OPEN_STATUSES, SIGNAL_STATUSES, type Signal } from '../api/surveillance';
import { Pager } from '../components/Pager';
import { StatTile } from '../components/StatTile';
import { Empty, ErrorBox, Loading } from '../components/Status';
import { UnitTiles } from '../components/UnitTiles';
import { useI18n, type MessageKey } from '../i18n';
import { filterParams, PAGE_SIZE, readFilters, signalQuery, type SignalFilters } from './cdc/filters';
import { dateTime, diseaseName, durationParts, methodLabel } from './cdc/format';
import { placeName, useDiseases, useDistrict } from './cdc/hooks';
import { StatusBadge } from './cdc/StatusBadge';

/** Units the tile view shows: the district's towns (a lone town with its villages beside it). */
function tileUnits(district: District | undefined): OrgUnit[] {
  const below = (u: OrgUnit) => u.children.map((c) => district!.units.get(c)!).filter(Boolean);
  const towns = district?.root ? below(district.root) : [];
  return towns.length === 1 ? [towns[0], ...below(towns[0])] : towns;
}

function Metrics({ filters }: { filters: SignalFilters }) {
  const { t, n } = useI18n();
  const { disease, orgUnit, from, to } = filters;
  const metrics = useQuery({ queryKey: ['cdc', 'metrics', { disease, orgUnit, from, to }], queryFn: () => api.signalMetrics({ disease, orgUnit, from, to }), placeholderData: keepPreviousData });
  const m = metrics.data;
  const median = m?.medianResponseMinutes ?? null;
  const time = median === null ? null : durationParts(median);
  const tile = (id: string, label: string, value: ReactNode, hint?: string) => <StatTile id={id} label={label} value={value} loading={metrics.isPending} error={!!metrics.error} hint={hint} />;
  return (
    <div className="stats stats-5" data-testid="cdc-metrics">
      {tile('signals-new', t('cdc.metrics.new'), m && n(m.byStatus.new), t('cdc.metrics.newHint'))}
      {tile('signals-investigating', t('cdc.metrics.investigating'), m && n(m.byStatus['under-investigation']))}
      {tile('signals-confirmed', t('cdc.metrics.confirmed'), m && n(m.byStatus['confirmed-outbreak']))}
      {tile('signals-total', t('cdc.metrics.total'), m && n(m.signals), m ? t('cdc.metrics.totalHint', { falseAlarm: n(m.byStatus['false-alarm']), closed: n(m.byStatus.closed) }) : undefined)}
      {tile(
        'response-median',
        t('cdc.metrics.response'),
        m && (time ? t(time.key, { n: n(time.n) }) : '—'),
        m ? t('cdc.metrics.responseHint', { responded: n(m.responded), total: n(m.signals) }) : undefined,
      )}
    </div>
  );
}

function FilterForm({ filters, setFilters }: { filters: SignalFilters; setFilters: (f: SignalFilters | ((current: SignalFilters) => SignalFilters)) => void }) {
  const { t, locale } = useI18n();
  const id = useId();
  const diseases = useDiseases();
  const district = useDistrict();
  const set = (patch: Partial<SignalFilters>) => setFilters((current) => ({ ...current, ...patch, page: 0 }));
  const units = [...(district.data?.units.values() ?? [])].filter((u) => u.level !== 'district').sort((a, b) => a.code.localeCompare(b.code));
  const active = filters.status || filters.disease || filters.orgUnit || filters.from || filters.to;
  return (
    <form className="filters" role="search" aria-label={t('cdc.filter')} onSubmit={(e) => e.preventDefault()} data-testid="cdc-filters">
      <label htmlFor={`${id}-status`}>
        {t('cdc.col.status')}
        <select id={`${id}-status`} value={filters.status ?? ''} onChange={(e) => set({ status: (e.target.value || undefined) as SignalFilters['status'] })} data-testid="filter-status">
          <option value="">{t('cdc.filter.all')}</option>
          {SIGNAL_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`cdc.status.${s}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-disease`}>
        {t('cdc.col.disease')}
        <select id={`${id}-disease`} value={filters.disease ?? ''} onChange={(e) => set({ disease: e.target.value || undefined })} data-testid="filter-disease">
          <option value="">{t('cdc.filter.all')}</option>
          {[...(diseases.data?.values() ?? [])].map((d) => (
            <option key={d.key} value={d.key}>
              {diseaseName(d, d.key, locale)}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-unit`}>
        {t('cdc.col.place')}
        <select id={`${id}-unit`} value={filters.orgUnit ?? ''} onChange={(e) => set({ orgUnit: e.target.value || undefined })} data-testid="filter-unit">
          <option value="">{t('cdc.filter.allAreas')}</option>
          {filters.orgUnit && !district.data?.units.has(filters.orgUnit) && <option value={filters.orgUnit}>{filters.orgUnit}</option>}
          {units.map((u) => (
            <option key={u.code} value={u.code}>
              {u.level === 'village' ? '\u00a0\u00a0' : ''}
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-from`}>
        {t('cdc.filter.from')}
        <input id={`${id}-from`} type="date" value={filters.from ?? ''} max={filters.to} onChange={(e) => set({ from: e.target.value || undefined })} data-testid="filter-from" />
      </label>
      <label htmlFor={`${id}-to`}>
        {t('cdc.filter.to')}
        <input id={`${id}-to`} type="date" value={filters.to ?? ''} min={filters.from} onChange={(e) => set({ to: e.target.value || undefined })} data-testid="filter-to" />
      </label>
      {active && (
        <button type="button" className="link-button" onClick={() => setFilters({ page: 0 })}>
          {t('cdc.filter.clear')}
        </button>
      )}
    </form>
  );
}

function SignalRows({ signals, search }: { signals: Signal[]; search: string }) {
  const { t, n, locale } = useI18n();
  const diseases = useDiseases();
  const district = useDistrict();
  return (
    <div className="table-wrap">
      <table className="table signal-table" data-testid="signal-list">
        <thead>
          <tr>
            <th scope="col">{t('cdc.col.status')}</th>
            <th scope="col">{t('cdc.col.disease')}</th>
            <th scope="col">{t('cdc.col.place')}</th>
            <th scope="col">{t('cdc.col.period')}</th>
            <th scope="col" className="num">
              {t('cdc.col.observed')}
            </th>
            <th scope="col" className="num">
              {t('cdc.col.threshold')}
            </th>
            <th scope="col">{t('cdc.col.method')}</th>
            <th scope="col">{t('cdc.col.created')}</th>
          </tr>
        </thead>
        <tbody>
          {signals.map((s) => (
            <tr key={s.id} data-testid="signal-row" data-signal={s.id} data-status={s.status}>
              <td>
                <StatusBadge status={s.status} />
              </td>
              <td>
                <Link to={`/cdc/signals/${s.id}${search}`} data-testid="signal-link">
                  {diseaseName(diseases.data?.get(s.disease), s.disease, locale)}
                </Link>
              </td>
              <td>
                {placeName(district.data, s.orgUnit)} <span className="muted small">{t(`cockpit.level.${s.level}` as MessageKey)}</span>
              </td>
              <td className="nowrap">{s.periodStart === s.periodEnd ? s.periodEnd : `${s.periodStart} – ${s.periodEnd}`}</td>
              <td className="num">{n(s.observed)}</td>
              <td className="num">{s.threshold === null ? '—' : n(s.threshold, { maximumFractionDigits: 2 })}</td>
              <td>{methodLabel(t, s.method)}</td>
              <td className="nowrap muted small">{dateTime(s.createdAt, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CdcPage() {
  const { t, n } = useI18n();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  // A change applies to the filters in the URL as it is now, not as last rendered: two changes in
  // quick succession (status, then disease) both stay (the router's own updater sees the rendered ones).
  const setFilters = (f: SignalFilters | ((current: SignalFilters) => SignalFilters)) =>
    setParams(filterParams(typeof f === 'function' ? f(readFilters(new URLSearchParams(window.location.search))) : f));
  const district = useDistrict();
  // Near-live: a scheduled run or another epidemiologist changes the list (the event stream is the push alternative).
  const list = useQuery({ queryKey: ['cdc', 'signals', signalQuery(filters)], queryFn: () => api.signals(signalQuery(filters)), placeholderData: keepPreviousData, refetchInterval: 60_000 });
  const { disease, from, to } = filters;
  const open = useQuery({
    queryKey: ['cdc', 'open', { disease, from, to }],
    queryFn: async () => (await api.signals({ disease, from, to, _count: 500 })).signals.filter((s) => OPEN_STATUSES.includes(s.status)),
    placeholderData: keepPreviousData,
  });
  const units = useMemo(() => tileUnits(district.data), [district.data]);
  const openByUnit = useMemo(() => (open.data ? new Map(units.map((u) => [u.code, open.data.filter((s) => s.orgUnit.startsWith(u.code)).length])) : undefined), [open.data, units]);
  const search = params.toString() ? `?${params.toString()}` : '';
  const latestRun = list.data?.signals.reduce((m, s) => (s.runDate > m ? s.runDate : m), '');
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1;

  let body;
  if (list.isPending) body = <Loading inline />;
  else if (list.error) body = <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  else if (list.data.signals.length === 0) body = <Empty text={t(filters.status || filters.disease || filters.orgUnit || filters.from || filters.to ? 'cdc.list.noneFiltered' : 'cdc.list.none')} />;
  else
    body = (
      <>
        <SignalRows signals={list.data.signals} search={search} />
        <Pager total={t('cdc.list.total', { total: n(list.data.total) })} page={filters.page} pages={pages} onPage={(page) => setFilters({ ...filters, page })} testId="signal" />
      </>
    );

  return (
    <div className="page cdc" data-testid="cdc">
      <div className="page-head">
        <div>
          <h1>
            {t('cdc.title')}
            {district.data?.root ? ` · ${district.data.root.name}` : ''}
          </h1>
          <p className="muted small">{t('cdc.intro')}</p>
        </div>
        {latestRun && (
          <p className="as-of" data-testid="latest-run">
            {t('cdc.latestRun', { date: latestRun })}
          </p>
        )}
      </div>
      <Metrics filters={filters} />
      <div className="cdc-grid">
        <section className="panel" aria-labelledby="signals-h">
          <div className="panel-head">
            <h2 id="signals-h">{t('cdc.signals')}</h2>
            {list.isFetching && !list.isPending && <span className="spinner" role="status" aria-label={t('common.loading')} />}
          </div>
          <FilterForm filters={filters} setFilters={setFilters} />
          {body}
        </section>
        <section className="panel" aria-labelledby="tiles-h">
          <h2 id="tiles-h">{t('cdc.tiles')}</h2>
          <p className="muted small">{t('cdc.tiles.hint')}</p>
          {units.length === 0 ? (
            district.isPending ? <Loading inline /> : <Empty />
          ) : open.error ? (
            <ErrorBox error={open.error} onRetry={() => void open.refetch()} />
          ) : (
            <UnitTiles
              units={units}
              values={openByUnit}
              loading={open.isPending}
              alert
              current={filters.orgUnit}
              title={t('cdc.tiles.filter')}
              href={(u) => `/cdc?${filterParams({ ...filters, orgUnit: filters.orgUnit === u.code ? undefined : u.code, page: 0 }).toString()}`}
            />
          )}
        </section>
      </div>
    </div>
  );
}
