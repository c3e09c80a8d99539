/**
 * Risk with explanation (issue 9): the newest RiskAssessment of each model for the patient, as the
 * server wrote it (docs/risk-models.md "Assessment and the intervention loop"): probability and
 * qualitative risk, the explanation (learned model's top log-odds contributions, China-PAR equation
 * terms, CDRS points or guideline triggers), the inputs (assumed ones marked) and the model version.
 * Nothing clinical is computed here: numbers are the server's, only formatted.
 */
import type { RiskView } from '../../api/patients';
import { useI18n, type MessageKey, type Translate } from '../../i18n';
import { Empty } from '../Status';

const day = (s: string | undefined) => (s ? s.slice(0, 10) : '');
const signed = (v: number, digits = 3) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(digits)}`;

/** A message key when the catalogue has it, else the server's text. */
function known(t: Translate, key: string, fallback: string): string {
  const s = t(key as MessageKey);
  return s === key ? fallback : s;
}

/** Badge colours by qualitative risk (the default badge is green, right for low only). */
const RISK_STYLE: Record<string, { background: string; color: string } | undefined> = {
  moderate: { background: '#fff3d6', color: '#7a5200' },
  high: { background: '#fdecea', color: '#8a1f11' },
  certain: { background: '#fdecea', color: '#8a1f11' },
};

function RiskBadge({ risk }: { risk?: string }) {
  const { t } = useI18n();
  if (!risk) return null;
  return (
    <span className={`badge risk-${risk}`} style={RISK_STYLE[risk]} data-testid="risk-level" data-risk={risk}>
      {known(t, `p360.risk.${risk}`, risk)}
    </span>
  );
}

function Explanation({ view }: { view: RiskView }) {
  const { t, n } = useI18n();
  const x = view.explanation;
  if (!x || x.items.length === 0) return null;
  const captionId = `risk-${view.id}-explain`;
  const total = x.total === undefined ? '' : x.kind === 'terms' ? x.total.toFixed(3) : String(x.total);
  const caption = t(`p360.explain.${x.kind}` as MessageKey, { total });
  const shown = x.kind === 'terms' ? x.items.slice(0, 6) : x.items;
  return (
    <div className="table-wrap">
      <table className="table" aria-labelledby={captionId} data-testid="risk-explanation">
        <caption id={captionId} className="small" style={{ textAlign: 'left' }}>
          {caption}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('p360.col.factor')}</th>
            <th scope="col">{x.kind === 'triggers' ? t('p360.col.date') : t('p360.col.contribution')}</th>
            {(x.kind === 'log-odds' || x.kind === 'triggers') && <th scope="col">{x.kind === 'triggers' ? t('p360.col.dueBy') : t('p360.col.value')}</th>}
          </tr>
        </thead>
        <tbody>
          {shown.map((i) => (
            <tr key={i.label} data-testid="risk-explanation-row" data-factor={i.label}>
              <th scope="row" className="mono small">
                {x.kind === 'triggers' ? known(t, `p360.trigger.${i.label}`, i.label) : x.kind === 'points' ? known(t, `p360.factor.${i.label}`, i.label) : i.label}
              </th>
              <td className="mono">{typeof i.value === 'number' ? (x.kind === 'points' ? String(i.value) : signed(i.value)) : day(i.value)}</td>
              {(x.kind === 'log-odds' || x.kind === 'triggers') && <td className="mono">{typeof i.detail === 'number' ? n(i.detail) : (i.detail ?? '—')}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {x.items.length > shown.length && <p className="muted small">{t('common.more', { n: x.items.length - shown.length })}</p>}
    </div>
  );
}

/** China-PAR: the lifetime risk by the guidelines' factor rule, or the note that it is due but not computed. */
function Lifetime({ view }: { view: RiskView }) {
  const { t } = useI18n();
  const l = view.lifetime;
  if (!l) return null;
  if (!l.rule) {
    return (
      <p className="small muted" data-testid="risk-lifetime" data-high="">
        {t('p360.lifetime.notComputed')}
      </p>
    );
  }
  const state = l.high === true ? 'high' : l.high === false ? 'notHigh' : 'undetermined';
  const factor = (f: string) => known(t, `p360.lifetimeFactor.${f}`, f);
  return (
    <p className="small" data-testid="risk-lifetime" data-high={String(l.high)}>
      {t('p360.lifetime.label')}: <strong style={l.high ? RISK_STYLE.high : undefined}>{t(`p360.lifetime.${state}`)}</strong>
      {l.factors.length > 0 && ` — ${l.factors.map(factor).join(', ')}`}
      {l.high === null && l.unknown.length > 0 && ` (${t('p360.lifetime.unknown', { list: l.unknown.map(factor).join(', ') })})`}
    </p>
  );
}

function Inputs({ view }: { view: RiskView }) {
  const { t } = useI18n();
  if (!view.inputs) return null;
  const entries = Object.entries(view.inputs).filter(([k, v]) => k !== 'assumed' && !(Array.isArray(v) && v.length === 0));
  return (
    <details>
      <summary>{t('p360.inputs')}</summary>
      <dl className="facts small" data-testid="risk-inputs">
        {entries.map(([k, v]) => (
          <div key={k}>
            <dt className="mono">
              {k}
              {view.assumed.includes(k) ? ' *' : ''}
            </dt>
            <dd className="mono">{typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}</dd>
          </div>
        ))}
      </dl>
      {view.assumed.length > 0 && <p className="muted small">* {t('p360.assumed', { list: view.assumed.join(', ') })}</p>}
    </details>
  );
}

export function RiskList({ risks }: { risks: RiskView[] }) {
  const { t } = useI18n();
  if (risks.length === 0) return <Empty text={t('p360.noRisk')} />;
  return (
    <ul className="plain-list risk-list" data-testid="risks" style={{ maxHeight: 'none' }}>
      {risks.map((r) => {
        const name = known(t, `p360.model.${r.model}`, r.model);
        const headId = `risk-${r.id}-h`;
        return (
          <li key={r.id} data-testid={`risk-${r.model}`} data-assessment={r.id}>
            <article aria-labelledby={headId}>
              <h3 id={headId}>{name}</h3>
              <p className="muted small">
                <span data-testid="risk-version">{t('p360.version', { v: r.version ?? '—' })}</span> · {t('p360.assessed', { date: day(r.date) })}
                {r.older > 0 && ` · ${t('p360.older', { n: r.older })}`}
              </p>
              <ul className="plain-list">
                {r.predictions.map((p, k) => (
                  <li key={k} data-testid="risk-prediction">
                    {p.probability !== undefined && (
                      <>
                        <span className="visually-hidden">{t('p360.probability')} </span>
                        <strong className="mono" data-testid="risk-probability" data-value={p.probability}>
                          {(100 * p.probability).toFixed(1)} %
                        </strong>
                      </>
                    )}{' '}
                    <RiskBadge risk={p.risk} /> <span className="small">{r.model === 'guideline-triggers' ? p.outcome : known(t, `p360.outcome.${r.model}`, p.outcome)}</span>
                  </li>
                ))}
              </ul>
              <Lifetime view={r} />
              <Explanation view={r} />
              <Inputs view={r} />
              {r.citation && <p className="muted small">{r.citation}</p>}
            </article>
          </li>
        );
      })}
    </ul>
  );
}
