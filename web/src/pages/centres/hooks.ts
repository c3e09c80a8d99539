/**
 * The window and area of the centre pages: the org unit of the user's grant (the district when
 * platform-wide), and the twelve whole months ending with the area's latest month of data (a
 * simulated district ends in the past: GET /api/indicators/cockpit/latest-month, as the cockpit).
 */
import { useQuery } from '@tanstack/react-query';
import { centreDashboard, listCentres } from '../../api/centres';
import { asOfDate, referenceMonth } from '../../api/indicators';
import { useAuth } from '../../components/AuthProvider';
import { useDistrict } from '../cdc/hooks';

/** First day of the month `n` months before YYYY-MM. */
export function monthsBefore(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 - n, 1));
  return d.toISOString().slice(0, 10);
}

export function useCentreWindow() {
  const { orgUnits } = useAuth();
  const district = useDistrict();
  const unit = district.data && (orgUnits.map((o) => district.data.units.get(o)).find(Boolean) ?? district.data.root);
  const month = useQuery({ queryKey: ['centres', 'month', unit?.code], queryFn: () => referenceMonth(unit!.code), enabled: !!unit, staleTime: 10 * 60_000 });
  const window = unit && month.data ? { orgUnit: unit.code, unitName: unit.name, from: monthsBefore(month.data, 11), to: asOfDate(month.data) } : undefined;
  return { window, pending: district.isPending || month.isPending, error: district.error ?? month.error };
}

export function useCentres() {
  return useQuery({ queryKey: ['centres', 'list'], queryFn: listCentres, staleTime: 10 * 60_000 });
}

export function useCentreDashboard(window: { orgUnit: string; from: string; to: string } | undefined) {
  return useQuery({ queryKey: ['centres', 'dashboard', window], queryFn: () => centreDashboard(window!.orgUnit, { from: window!.from, to: window!.to }), enabled: !!window });
}
