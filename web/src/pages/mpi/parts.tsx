/** Small pieces shared by the MPI pages: reason and flag labels, the probability as a percentage. */
import { useI18n, type MessageKey } from '../../i18n';

const REASONS = ['weight', 'id-chain', 'bridge'];
const FLAGS = ['invalid-resident-id', 'no-name'];

/** P(match) as a percentage; 1 decimal, 3 above 99.9 %, and "> 99.999 %" rather than a rounded 100 % that is not. */
export function percentOf(n: (v: number, o?: Intl.NumberFormatOptions) => string, p: number): string {
  if (p >= 0.99999 && p < 1) return `> ${n(0.99999, { style: 'percent', maximumFractionDigits: 3 })}`;
  return n(p, { style: 'percent', maximumFractionDigits: p > 0.999 && p < 1 ? 3 : 1 });
}

export function ReasonText({ reason }: { reason: string }) {
  const { t } = useI18n();
  return <span title={reason}>{REASONS.includes(reason) ? t(`mpi.reason.${reason}` as MessageKey) : reason}</span>;
}

/** Comma-separated `mpi_feature.flags` → labels. */
export function FlagList({ flags }: { flags: string }) {
  const { t } = useI18n();
  const list = [...new Set(flags.split(',').map((f) => f.trim()).filter(Boolean))];
  if (list.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {list.map((f) => (
        <span key={f} className="badge" style={{ background: '#fdecea', color: '#a5281b', marginRight: '0.3rem' }} data-testid="mpi-flag">
          {FLAGS.includes(f) ? t(`mpi.flag.${f}` as MessageKey) : f}
        </span>
      ))}
    </>
  );
}
