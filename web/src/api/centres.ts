/**
 * Specialised-disease centres (issue 10; docs/care.md "Specialised-disease centres"): the configured
 * centres, a centre's registry (EpisodeOfCare rows the caller may read) and the indicators with the
 * monthly pathway times (door-to-needle, door-to-balloon).
 */
import { api, queryString } from './client';
import type { CentreIndicatorRow } from './aggregates';

export type PathwayKind = 'door-to-needle' | 'door-to-balloon';

export interface CentreDefinitionView {
  code: string;
  name: string;
  nameZh: string | null;
  /** ICD-10 ranges ("I60–I64", "G45"). */
  criteria: string[];
  source: string;
  facility: { id: string; name: string | null; orgUnit: string | null } | null;
  pathway: { kind: PathwayKind; treatment: 'thrombolysis' | 'pci'; targetMinutes: number; source: string } | null;
}

export interface RegistryRow {
  episode: string;
  patient: string;
  orgUnit: string | null;
  facility: string | null;
  /** The qualifying Condition's id. */
  condition: string | null;
  enrolled: string;
  ended: string | null;
  status: string;
}

export interface RegistryPage {
  centre: string;
  total: number;
  count: number;
  offset: number;
  next: number | null;
  rows: RegistryRow[];
}

/** One month of pathway times. */
export type { PathwayMonth } from '../../../src/care/centres/pathway';
import type { PathwayMonth } from '../../../src/care/centres/pathway';

export interface CentreDashboardRow extends CentreIndicatorRow {
  pathway: (NonNullable<CentreDefinitionView['pathway']> & { months: PathwayMonth[] }) | null;
}

export interface CentreDashboard {
  orgUnit: string;
  from: string;
  to: string;
  patientsManaged: number;
  centres: CentreDashboardRow[];
}

export async function listCentres(): Promise<CentreDefinitionView[]> {
  return (await api.request<{ centres: CentreDefinitionView[] }>('/api/centres')).centres;
}

export function centreRegistry(code: string, q: { orgUnit?: string; all?: boolean; _count?: number; _offset?: number } = {}): Promise<RegistryPage> {
  return api.request(`/api/centres/${encodeURIComponent(code)}/enrolments${queryString({ ...q, all: q.all ? 'true' : undefined, orgUnit: q.orgUnit || undefined })}`);
}

/** Indicators of `orgUnit` over [from, to] (defaults: the year to the server's today). */
export function centreDashboard(orgUnit: string, q: { from?: string; to?: string } = {}): Promise<CentreDashboard> {
  return api.request(`/api/indicators/centres${queryString({ orgUnit, ...q })}`);
}
