/**
 * The CDC console's filters live in the URL (`/cdc?status=new&disease=hfmd&from=…`), so a filtered
 * list can be bookmarked or shared and the back button returns to it from a signal.
 */
import { isSignalStatus, type SignalQuery } from '../../api/surveillance';

export const PAGE_SIZE = 25;

export interface SignalFilters {
  status?: SignalQuery['status'];
  disease?: string;
  orgUnit?: string;
  from?: string;
  to?: string;
  page: number;
}

const isDate = (v: string | null): v is string => !!v && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** Reads the filters from the URL, dropping values the server would refuse. */
export function readFilters(params: URLSearchParams): SignalFilters {
  const status = params.get('status');
  const orgUnit = params.get('orgUnit');
  const page = Number(params.get('page') ?? '0');
  return {
    status: isSignalStatus(status) ? status : undefined,
    disease: params.get('disease') || undefined,
    orgUnit: orgUnit && /^\d{6}(\d{3}){0,2}$/.test(orgUnit) ? orgUnit : undefined,
    from: isDate(params.get('from')) ? (params.get('from') as string) : undefined,
    to: isDate(params.get('to')) ? (params.get('to') as string) : undefined,
    page: Number.isInteger(page) && page > 0 ? page : 0,
  };
}

/** The filters as URL parameters (empty ones left out). */
export function filterParams(f: SignalFilters): URLSearchParams {
  const out = new URLSearchParams();
  for (const k of ['status', 'disease', 'orgUnit', 'from', 'to'] as const) if (f[k]) out.set(k, f[k] as string);
  if (f.page > 0) out.set('page', String(f.page));
  return out;
}

/** The list request of one page. */
export function signalQuery(f: SignalFilters): SignalQuery {
  return { status: f.status, disease: f.disease, orgUnit: f.orgUnit, from: f.from, to: f.to, _count: PAGE_SIZE, _offset: f.page * PAGE_SIZE };
}
