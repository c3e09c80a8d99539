/**
 * Map-like tile view: one tile per unit below the current one, coloured by an indicator on a
 * sequential scale, each a link that drills down. Keyboard and screen readers get the same data.
 */
import { Link } from 'react-router';
import type { OrgUnit } from '../api/org-units';
import { useI18n } from '../i18n';

/** Light-to-dark teal (or red for alerts): share of the maximum → CSS colour. */
function shade(share: number, alert = false): string {
  const s = Math.max(0, Math.min(1, share));
  const light = 94 - s * 58;
  return alert ? `hsl(6 68% ${light}%)` : `hsl(188 62% ${light}%)`;
}

export function UnitTiles(props: {
  units: OrgUnit[];
  values: Map<string, number> | undefined;
  loading: boolean;
  format?: (v: number) => string;
  /** Where a tile leads (default: the unit's cockpit) and its tooltip. */
  href?: (unit: OrgUnit) => string;
  title?: string;
  /** Marks the selected tile (aria-current). */
  current?: string;
  /** Red scale (counts of alarms) instead of teal. */
  alert?: boolean;
}) {
  const { units, values, loading } = props;
  const { t, n } = useI18n();
  const max = Math.max(Number.MIN_VALUE, ...(values ? [...values.values()] : [1]));
  return (
    <ul className="tiles" data-testid="unit-tiles">
      {units.map((u) => {
        const v = values?.get(u.code);
        const share = v === undefined ? 0 : v / max;
        return (
          <li key={u.code}>
            <Link
              to={props.href ? props.href(u) : `/cockpit/${u.code}`}
              className="tile"
              style={{ background: shade(share, props.alert), color: share > 0.6 ? '#fff' : undefined }}
              title={props.title ?? t('cockpit.tiles.drill')}
              aria-current={props.current === u.code ? 'true' : undefined}
              data-testid={`unit-tile-${u.code}`}
            >
              <span className="tile-name">{u.name}</span>
              <span className="tile-value">{loading ? '…' : v === undefined ? '—' : (props.format ?? n)(v)}</span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
