/**
 * Options of the simulator and their resolution into a concrete district shape.
 */
import type { Resource } from '@medplum/fhirtypes';
import { DEFAULT_RATES, type Rates } from './rates.js';

/** What the caller may set; everything but `residents` has a default. */
export interface SimulationOptions {
  /** Number of residents (each gets one primary Patient record). */
  residents: number;
  /** Simulated years from `startDate` (may be fractional, e.g. 0.5). Default 2. */
  years?: number;
  /** PRNG seed (32-bit integer). Default 1. */
  seed?: number;
  /** First simulated day, ISO date. Default '2024-01-01'. */
  startDate?: string;
  /** District shape; defaults scale with `residents` (see {@link resolveOptions}). */
  district?: Partial<DistrictShape>;
  /** Overrides of the default rates. */
  rates?: Partial<Rates>;
  /** Number of injected outbreaks. Default: one per 4 villages per year, at least 2 per year. */
  outbreaks?: number;
  /** Residents (population, not signed) per family-doctor team; at most one team per village. Default 4,000 (≈ 1,600 signed). */
  residentsPerTeam?: number;
}

/** Counts of org units and facilities. */
export interface DistrictShape {
  /** 6-digit administrative code of the district (GB/T 2260). Default 330109 (Xiaoshan). */
  code: string;
  name: string;
  towns: number;
  villages: number;
  townshipCentres: number;
  villageClinics: number;
}

/** Fully resolved options. */
export interface ResolvedOptions {
  residents: number;
  years: number;
  seed: number;
  startDate: string;
  /** Start and (exclusive) end as days since 1970-01-01 UTC. */
  startDay: number;
  endDay: number;
  district: DistrictShape;
  rates: Rates;
  outbreaks: number;
  residentsPerTeam: number;
}

/** Xiaoshan at full scale: ~2.0 M residents (2020 census 2,011,694), 22 towns/streets, ~500 villages. */
export const FULL_DISTRICT: DistrictShape = {
  code: '330109',
  name: '萧山区',
  towns: 20,
  villages: 500,
  townshipCentres: 25,
  villageClinics: 300,
};

/** Days since 1970-01-01 of an ISO date. */
export function isoToDay(iso: string): number {
  const t = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(t)) throw new RangeError(`bad date ${iso}`);
  return Math.floor(t / 86_400_000);
}

const isoCache = new Map<number, string>();
/** ISO date (YYYY-MM-DD) of a day number (memoised: the simulator formats the same days millions of times). */
export function dayToIso(day: number): string {
  let iso = isoCache.get(day);
  if (iso === undefined) {
    iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (isoCache.size < 200_000) isoCache.set(day, iso);
  }
  return iso;
}

/** ISO date-time with +08:00 offset for a day number and minutes after midnight (China Standard Time). */
export function dayToDateTime(day: number, minutes: number): string {
  const h = Math.floor(minutes / 60) % 24;
  const m = Math.floor(minutes % 60);
  return `${dayToIso(day)}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00+08:00`;
}

/**
 * Fills defaults. The district scales with N: one village per ~1,000 residents up to 500 villages
 * (so 20,000 residents → 20 villages in 4 towns; 2 M → 500 villages of ~4,000), a town per 5 villages
 * up to 20, township centres = towns × 1.25, village clinics = 0.6 per village.
 */
export function resolveOptions(options: SimulationOptions): ResolvedOptions {
  const residents = Math.floor(options.residents);
  if (!(residents >= 1)) throw new RangeError('residents must be at least 1');
  const years = options.years ?? 2;
  if (!(years > 0 && years <= 50)) throw new RangeError('years must be in (0, 50]');
  const startDate = options.startDate ?? '2024-01-01';
  const startDay = isoToDay(startDate);
  const villages = options.district?.villages ?? Math.min(FULL_DISTRICT.villages, Math.max(1, Math.round(residents / 1000)));
  const towns = options.district?.towns ?? Math.min(FULL_DISTRICT.towns, Math.max(1, Math.ceil(villages / 5)));
  const district: DistrictShape = {
    code: options.district?.code ?? FULL_DISTRICT.code,
    name: options.district?.name ?? FULL_DISTRICT.name,
    villages: Math.max(villages, towns),
    towns,
    townshipCentres: Math.max(towns, options.district?.townshipCentres ?? Math.round(towns * 1.25)),
    villageClinics: Math.max(1, options.district?.villageClinics ?? Math.round(villages * 0.6)),
  };
  return {
    residents,
    years,
    seed: (options.seed ?? 1) >>> 0,
    startDate: startDate.slice(0, 10),
    startDay,
    endDay: startDay + Math.round(years * 365.25),
    district,
    rates: { ...DEFAULT_RATES, ...options.rates },
    outbreaks: options.outbreaks ?? Math.max(2, Math.round((villages / 4) * years)),
    residentsPerTeam: options.residentsPerTeam ?? 4000,
  };
}

/** Where the simulator sends what it makes. Either callback may return a promise (backpressure). */
export interface SimulationSink {
  /** One FHIR resource; resources arrive in dependency order within the stream (see docs). */
  resource(r: Resource): void | Promise<void>;
  /** One row of a ground-truth table (outbreaks, duplicates, patient-clusters, conditions, risk_factors). */
  truth(table: string, row: Record<string, string | number>): void | Promise<void>;
}

/** Progress report: residents done so far of the total. */
export type ProgressCallback = (done: number, total: number) => void;
