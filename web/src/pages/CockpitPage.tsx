/**
 * The cockpit: a district (or town, or village) at a glance — headline indicators, monthly trend,
 * notifiable diseases, and a tile view of the units below that drills down by org-unit code.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/errors';
import { alertHeadline, asOfDate, bpControl, careHeadline, childValues, chronicHeadline, countsHeadline, monthlyTrend, notifiableByDisease, referenceMonth, TILE_INDICATORS, type Scope, type TileIndicator, type Value } from '../api/indicators';
import { loadDistrict, pathTo } from '../api/org-units';
import { useAuth } from '../components/AuthProvider';
import { Chart, type ChartOption } from '../components/Chart';
import { trendChartOption } from '../components/chart-options';
import { StatTile } from '../components/StatTile';
import { Empty, ErrorBox, Loading } from '../components/Status';
import { UnitTiles } from '../components/UnitTiles';
import { useI18n, type MessageKey } from '../i18n';

const TILE_LABEL: Record<TileIndicator, MessageKey> = {
  residents: 'cockpit.residents',
  encountersMonth: 'cockpit.encountersMonth',
  casesYear: 'cockpit.casesYear',
  bpControl: 'cockpit.bpControl',
  riskInterventions: 'cockpit.riskInterventions',
  referrals: 'cockpit.referrals',
  centres: 'cockpit.centres',
  overdue: 'cockpit.overdue',
  activeSignals: 'cockpit.activeSignals',
};

/** A headline value: number, rate, or why it is missing. */
function Stat({ id, label, v, pending, rate, hint }: { id: string; label: string; v: Value | undefined; pending: boolean; rate?: boolean; hint?: string }) {
  const { t, n } = useI18n();
  const forbidden = v !== undefined && 'missing' in v && v.missing === 'forbidden';
  const shown = v && 'value' in v ? (rate ? n(v.value, { style: 'percent', maximumFractionDigits: 1 }) : n(v.value)) : forbidden ? t('common.notAvailable') : undefined;
  return (
    <StatTile
      id={id}
      label={label}
      value={shown}
      loading={pending}
      unavailable={v !== undefined && 'missing' in v && v.missing === 'unavailable'}
      hint={forbidden ? t('cockpit.notForRole') : v && 'value' in v ? hint : ''}
    />
  );
}

export function CockpitPage() {
  const { t, n } = useI18n();
  const params = useParams();
  const district = useQuery({ queryKey: ['district'], queryFn: loadDistrict, staleTime: Infinity });
  const { orgUnits } = useAuth();
  // Without a unit in the URL: the user's own area (first grant the tree knows), else the district.
  const home = district.data && (orgUnits.map((o) => district.data.units.get(o)).find(Boolean) ?? district.data.root);
  const month = useQuery({ queryKey: ['reference-month', home?.code], queryFn: () => referenceMonth(home!.code), enabled: !!home, staleTime: 10 * 60_000 });
  const unit = district.data && (params.unit ? district.data.units.get(params.unit) : home);
  const scope: Scope | undefined = district.data && unit ? { district: district.data, unit } : undefined;
  const ready = !!scope && !!month.data;
  const key = [unit?.code, month.data];
  const [indicator, setIndicator] = useState<TileIndicator>('residents');

  const head = useQuery({ queryKey: ['headline', ...key], queryFn: () => countsHeadline(scope!, month.data!), enabled: ready });
  // PGlite answers one query at a time: ask for the headline counts first, the rest after them.
  const then = ready && !head.isPending;
  const chronic = useQuery({ queryKey: ['chronic', ...key], queryFn: () => chronicHeadline(scope!, month.data!), enabled: then });
  // The seed's headline figures (risk interventions, referrals, centres' patients) from the server's aggregate indicators.
  const care = useQuery({ queryKey: ['care-headline', ...key], queryFn: () => careHeadline(scope!, month.data!), enabled: then });
  // Overdue chronic follow-ups and active outbreak signals (registry work lists, surveillance metrics).
  const alerts = useQuery({ queryKey: ['alert-headline', ...key], queryFn: () => alertHeadline(scope!, month.data!), enabled: then });
  const trend = useQuery({ queryKey: ['trend', ...key], queryFn: () => monthlyTrend(scope!, month.data!), enabled: then });
  const isDistrict = unit?.level === 'district';
  const diseases = useQuery({ queryKey: ['notifiable', ...key], queryFn: () => notifiableByDisease(scope!, month.data!), enabled: then && isDistrict });
  // The browser estimate only where the server has no chronic-care indicators.
  const bp = useQuery({ queryKey: ['bp-control', month.data], queryFn: () => bpControl(month.data!), enabled: then && isDistrict && chronic.data?.serverChronic === false, staleTime: 10 * 60_000 });
  const tiles = useQuery({ queryKey: ['tiles', indicator, ...key], queryFn: () => childValues(scope!, indicator, month.data!), enabled: then && (unit?.children.length ?? 0) > 0 });
  const tileValues = useMemo(() => (tiles.data ? new Map(tiles.data.map((x) => [x.code, x.value])) : undefined), [tiles.data]);

  const trendOption = useMemo<ChartOption>(() => trendChartOption(trend.data, { encounters: t('cockpit.trend.encounters'), cases: t('cockpit.trend.cases') }), [trend.data, t]);
  const diseaseOption = useMemo<ChartOption>(() => {
    const rows = [...(diseases.data ?? [])].sort((a, b) => a.count - b.count);
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 120, right: 40, top: 10, bottom: 24 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: rows.map((r) => t(`disease.${r.code}` as MessageKey)) },
      series: [{ type: 'bar', data: rows.map((r) => r.count), itemStyle: { color: '#e08e3c' }, label: { show: true, position: 'right' } }],
    };
  }, [diseases.data, t]);

  if (district.isPending || (month.isPending && !district.error)) return <Loading />;
  const failure = district.error ?? month.error;
  if (failure)
    return (
      <div className="page">
        <h1>{t('cockpit.title')}</h1>
        {failure instanceof ApiError && failure.status === 403 && <p className="notice">{t('cockpit.forbidden')}</p>}
        <ErrorBox error={failure} onRetry={() => void (district.refetch(), month.refetch())} />
      </div>
    );
  if (!scope || !unit) return <ErrorBox error={new Error(t('cockpit.unitNotFound'))} />;

  const h = head.data;
  const c = chronic.data;
  const bpRate = bp.data && bp.data.denominator > 0 ? bp.data.controlled / bp.data.denominator : undefined;
  const percent = (v: number) => n(v, { style: 'percent', maximumFractionDigits: 1 });
  const serverHint = c?.serverChronic ? t('cockpit.serverHint', { date: asOfDate(month.data ?? '') }) : undefined;
  const panelError = (error: unknown, retry: () => unknown) =>
    error instanceof ApiError && error.status === 403 ? <p className="notice">{t('cockpit.forbiddenPanel')}</p> : <ErrorBox error={error} onRetry={() => void retry()} />;
  const children = unit.children.map((c) => scope.district.units.get(c)!).filter(Boolean);
  const childLevel = children[0]?.level;
  return (
    <div className="page cockpit" data-testid="cockpit">
      <div className="page-head">
        <div>
          <nav aria-label="breadcrumb" className="breadcrumb">
            {pathTo(scope.district, unit).map((u, i, all) =>
              i < all.length - 1 ? (
                <span key={u.code}>
                  <Link to={u.level === 'district' ? '/cockpit' : `/cockpit/${u.code}`}>{u.name}</Link> ›{' '}
                </span>
              ) : (
                <span key={u.code} aria-current="page">
                  {u.name}
                </span>
              ),
            )}
          </nav>
          <h1>
            {t('cockpit.title')} · {unit.name} <small className="muted">({t(`cockpit.level.${unit.level}` as MessageKey)} {unit.code})</small>
          </h1>
        </div>
        <p className="as-of" data-testid="as-of">
          {t('cockpit.asOf', { month: month.data ?? '' })}
        </p>
      </div>
      {head.error && panelError(head.error, head.refetch)}
      {h && Object.values(h).some((v) => 'missing' in v && v.missing === 'forbidden') && <p className="notice">{t('cockpit.forbidden')}</p>}
      {chronic.error && panelError(chronic.error, chronic.refetch)}
      {care.error && panelError(care.error, care.refetch)}
      {alerts.error && panelError(alerts.error, alerts.refetch)}
      <div className="stats">
        <Stat id="residents" label={t('cockpit.residents')} v={h?.residents} pending={head.isPending} />
        <Stat id="hypertension" label={t('cockpit.hypertension')} v={c?.hypertension} pending={chronic.isPending} />
        <Stat id="diabetes" label={t('cockpit.diabetes')} v={c?.diabetes} pending={chronic.isPending} />
        {c && !c.serverChronic ? (
          <StatTile
            id="bp-control"
            label={t('cockpit.bpControl')}
            value={bpRate !== undefined ? percent(bpRate) : t('common.notAvailable')}
            loading={bp.isPending}
            error={!!bp.error}
            unavailable={!isDistrict}
            hint={isDistrict ? (bp.data && !bp.data.complete ? t('cockpit.bpControlPartial', { n: n(bp.data.readings) }) : t('cockpit.bpControlHint')) : ''}
          />
        ) : (
          <Stat id="bp-control" label={t('cockpit.bpControl')} v={c?.bpControl} pending={chronic.isPending} rate hint={serverHint} />
        )}
        <Stat id="glucose-control" label={t('cockpit.glucoseControl')} v={c?.glucoseControl} pending={chronic.isPending} rate hint={serverHint} />
        <Stat id="medication-service" label={t('cockpit.medicationService')} v={c?.medicationService} pending={chronic.isPending} hint={c?.serverChronic ? t('cockpit.medicationServiceHint') : undefined} />
        <Stat
          id="risk-interventions"
          label={t('cockpit.riskInterventions')}
          v={care.data?.riskInterventions}
          pending={care.isPending}
          hint={care.data?.risk ? t('cockpit.riskInterventionsHint', { tasks: n(care.data.risk.tasks), completed: n(care.data.risk.completed), date: care.data.risk.to }) : undefined}
        />
        <Stat
          id="referrals"
          label={t('cockpit.referrals')}
          v={care.data?.referrals}
          pending={care.isPending}
          hint={care.data?.referral ? t('cockpit.referralsHint', { closed: n(care.data.referral.closed), overdue: n(care.data.referral.overdue) }) : undefined}
        />
        <Stat
          id="centres"
          label={t('cockpit.centres')}
          v={care.data?.centres}
          pending={care.isPending}
          hint={care.data?.centre ? t('cockpit.centresHint', { centres: n(care.data.centre.centres.length), date: care.data.centre.to }) : undefined}
        />
        <Stat
          id="overdue"
          label={t('cockpit.overdue')}
          v={alerts.data?.overdue}
          pending={alerts.isPending}
          hint={alerts.data?.overdueBy ? t('cockpit.overdueHint', { date: alerts.data.overdueBy.today, hypertension: n(alerts.data.overdueBy.hypertension), diabetes: n(alerts.data.overdueBy.diabetes) }) : undefined}
        />
        <Stat
          id="active-signals"
          label={t('cockpit.activeSignals')}
          v={alerts.data?.activeSignals}
          pending={alerts.isPending}
          hint={alerts.data?.signals ? t('cockpit.activeSignalsHint', { date: asOfDate(month.data ?? ''), new: n(alerts.data.signals.new), investigating: n(alerts.data.signals.investigating) }) : undefined}
        />
        <Stat id="encounters-month" label={t('cockpit.encountersMonth')} v={h?.encountersMonth} pending={head.isPending} />
        <Stat id="cases-year" label={t('cockpit.casesYear')} v={h?.casesYear} pending={head.isPending} />
      </div>
      {!isDistrict && <p className="muted small">{t('cockpit.facilityNote')}</p>}
      <div className="grid-2">
        <section className="panel" aria-labelledby="trend-h">
          <h2 id="trend-h">{t('cockpit.trend')}</h2>
          {trend.error ? panelError(trend.error, trend.refetch) : trend.isPending ? <Loading inline /> : <Chart option={trendOption} label={t('cockpit.trend')} testId="trend-chart" />}
        </section>
        {isDistrict && (
          <section className="panel" aria-labelledby="notifiable-h">
            <h2 id="notifiable-h">{t('cockpit.notifiable')}</h2>
            {diseases.error ? panelError(diseases.error, diseases.refetch) : diseases.isPending ? <Loading inline /> : <Chart option={diseaseOption} label={t('cockpit.notifiable')} testId="disease-chart" />}
            {diseases.data && (
              <table className="visually-hidden">
                <tbody>
                  {diseases.data.map((d) => (
                    <tr key={d.code}>
                      <th>{t(`disease.${d.code}` as MessageKey)}</th>
                      <td data-testid={`disease-${d.code}`}>{d.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        )}
      </div>
      <section className="panel" aria-labelledby="tiles-h">
        <div className="panel-head">
          <h2 id="tiles-h">{t('cockpit.tiles', { level: childLevel ? t(`cockpit.level.${childLevel}` as MessageKey) : '' })}</h2>
          {children.length > 0 && (
            <label>
              {t('cockpit.tiles.indicator')}{' '}
              <select value={indicator} onChange={(e) => setIndicator(e.target.value as TileIndicator)} data-testid="tile-indicator">
                {TILE_INDICATORS.map((i) => (
                  <option key={i} value={i}>
                    {t(TILE_LABEL[i])}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        {children.length === 0 ? <Empty text={t('cockpit.children.none')} /> : tiles.error ? panelError(tiles.error, tiles.refetch) : <UnitTiles units={children} values={tileValues} loading={tiles.isPending} format={indicator === 'bpControl' ? (v) => n(v, { style: 'percent', maximumFractionDigits: 0 }) : undefined} />}
      </section>
    </div>
  );
}
