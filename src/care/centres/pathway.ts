/**
 * Care-pathway milestones of the specialised-disease centres (issue 10), pure:
 * - stroke door-to-needle time (DNT): arrival (emergency Encounter.period.start, class EMER) →
 *   start of intravenous thrombolysis (MedicationAdministration of alteplase ATC B01AD02 or
 *   tenecteplase B01AD11, effective start). Target ≤ 60 min: Powers WJ et al., 2019 AHA/ASA
 *   Guidelines for the Early Management of Acute Ischemic Stroke (Stroke 2019;50:e344–e418), and
 *   the China stroke centre standard (中国卒中中心建设标准: DNT ≤ 60 min).
 * - chest-pain door-to-balloon time (D2B): arrival → primary PCI (Procedure performed start;
 *   codes below). Target ≤ 90 min: O'Gara PT et al., 2013 ACCF/AHA Guideline for the Management
 *   of ST-Elevation Myocardial Infarction (Circulation 2013;127:e362–e425); 中国胸痛中心认证标准
 *   (door-to-wire ≤ 90 min).
 * Classification of the FHIR resources into milestone rows, the interval arithmetic, the pairing
 * of a treatment with its arrival and the monthly summary are all here; no I/O, no clock.
 */
import type { Encounter, MedicationAdministration, Procedure } from '@medplum/fhirtypes';
import type { PathwayKind } from './centres-config.js';
import { pushTo } from '../../foundation/collections.js';

const ATC = 'http://www.whocc.no/atc';
const SNOMED = 'http://snomed.info/sct';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
/** ICD-9-CM volume 3 procedures (China: ICD-9-CM-3 clinical edition). */
export const ICD9CM_SYSTEM = 'http://hl7.org/fhir/sid/icd-9-cm';

/** Thrombolytics that start the DNT clock's end: ATC B01AD02 alteplase, B01AD11 tenecteplase. */
export const THROMBOLYTIC_ATC = ['B01AD02', 'B01AD11'] as const;
/**
 * Primary PCI: SNOMED CT 415070008 (percutaneous coronary intervention); ICD-9-CM-3 00.66
 * (PTCA), 36.06 (non-drug-eluting coronary stent), 36.07 (drug-eluting coronary stent).
 */
export const PCI_CODES: readonly { system: string; code: string }[] = [
  { system: SNOMED, code: '415070008' },
  { system: ICD9CM_SYSTEM, code: '00.66' },
  { system: ICD9CM_SYSTEM, code: '36.06' },
  { system: ICD9CM_SYSTEM, code: '36.07' },
];

export interface PathwayRule {
  kind: PathwayKind;
  /** The treatment milestone that closes the interval. */
  treatment: 'thrombolysis' | 'pci';
  targetMinutes: number;
  source: string;
}

export const PATHWAY_RULES: Record<PathwayKind, PathwayRule> = {
  'door-to-needle': { kind: 'door-to-needle', treatment: 'thrombolysis', targetMinutes: 60, source: '2019 AHA/ASA acute ischaemic stroke guideline; 中国卒中中心建设标准' },
  'door-to-balloon': { kind: 'door-to-balloon', treatment: 'pci', targetMinutes: 90, source: '2013 ACCF/AHA STEMI guideline; 中国胸痛中心认证标准' },
};

export type MilestoneKind = 'arrival' | 'thrombolysis' | 'pci';

/** One projected milestone (a narrow row of care_centre_milestone). */
export interface Milestone {
  kind: MilestoneKind;
  at: string;
  /** The Encounter the milestone belongs to (the arrival's own id for an arrival). */
  encounter: string | null;
}

const encounterRef = (ref: string | undefined) => (ref?.startsWith('Encounter/') ? ref.slice(10) : null);
const validInstant = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)) ? v : null);

/** Arrival: an emergency Encounter (class EMER) not cancelled or in error, at period.start. */
export function arrivalOf(e: Encounter): Milestone | null {
  if (e.status === 'cancelled' || e.status === 'entered-in-error') return null;
  if (e.class?.code !== 'EMER' || (e.class.system !== undefined && e.class.system !== ACT_CODE)) return null;
  const at = validInstant(e.period?.start);
  return at ? { kind: 'arrival', at, encounter: e.id ?? null } : null;
}

/** Thrombolysis: a MedicationAdministration of alteplase or tenecteplase, given (completed or in progress), at its effective start. */
export function thrombolysisOf(m: MedicationAdministration): Milestone | null {
  if (m.status !== 'completed' && m.status !== 'in-progress') return null;
  const drug = (m.medicationCodeableConcept?.coding ?? []).some((c) => c.system === ATC && (THROMBOLYTIC_ATC as readonly string[]).includes(c.code ?? ''));
  if (!drug) return null;
  const at = validInstant(m.effectiveDateTime ?? m.effectivePeriod?.start);
  return at ? { kind: 'thrombolysis', at, encounter: encounterRef(m.context?.reference) } : null;
}

/** PCI: a Procedure with a PCI code (PCI_CODES), completed or in progress, at its performed start. */
export function pciOf(p: Procedure): Milestone | null {
  if (p.status !== 'completed' && p.status !== 'in-progress') return null;
  const pci = (p.code?.coding ?? []).some((c) => PCI_CODES.some((k) => k.system === c.system && k.code === c.code));
  if (!pci) return null;
  const at = validInstant(p.performedDateTime ?? p.performedPeriod?.start);
  return at ? { kind: 'pci', at, encounter: encounterRef(p.encounter?.reference) } : null;
}

export type Measurement =
  | { status: 'measured'; minutes: number; withinTarget: boolean }
  | { status: 'no-arrival' }
  | { status: 'invalid'; reason: string };

/** Interval arrival → treatment in minutes against the target (inclusive: exactly on target is within). */
export function measure(arrival: Date | null, treatment: Date, targetMinutes: number): Measurement {
  if (arrival === null) return { status: 'no-arrival' };
  const minutes = (treatment.getTime() - arrival.getTime()) / 60_000;
  if (!Number.isFinite(minutes)) return { status: 'invalid', reason: 'unreadable time' };
  if (minutes < 0) return { status: 'invalid', reason: 'treatment before arrival' };
  return { status: 'measured', minutes, withinTarget: minutes <= targetMinutes };
}

/** The arrival searched back from a treatment that names no Encounter: at most this many hours before it. */
export const ARRIVAL_LOOKBACK_HOURS = 24;

/**
 * The arrival of a treatment of one resident: the arrival of the Encounter it names, else the
 * latest arrival at or before it within ARRIVAL_LOOKBACK_HOURS; null when there is none.
 */
export function arrivalFor(treatment: Milestone, arrivals: readonly Milestone[]): Date | null {
  if (treatment.encounter) {
    const own = arrivals.find((a) => a.encounter === treatment.encounter);
    if (own) return new Date(own.at);
  }
  const t = Date.parse(treatment.at);
  let best: number | null = null;
  for (const a of arrivals) {
    const at = Date.parse(a.at);
    if (at <= t && t - at <= ARRIVAL_LOOKBACK_HOURS * 3_600_000 && (best === null || at > best)) best = at;
  }
  return best === null ? null : new Date(best);
}

/** Median of numbers (mean of the two middle values for an even count), null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Calendar month (YYYY-MM) of an instant in China Standard Time (UTC+8), as the platform's reporting days. */
export function monthOf(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
}

export interface PathwayMonth {
  month: string;
  events: number;
  measured: number;
  missingArrival: number;
  invalid: number;
  medianMinutes: number | null;
  withinTarget: number;
  /** Share of measured events within target, 0–1 (null when none measured). */
  shareWithinTarget: number | null;
}

/** Monthly summary of pathway events (month of the treatment), months in order. */
export function summariseByMonth(events: readonly { treatedAt: Date; measurement: Measurement }[]): PathwayMonth[] {
  const byMonth = new Map<string, Measurement[]>();
  for (const e of events) pushTo(byMonth, monthOf(e.treatedAt), e.measurement);
  return [...byMonth.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, ms]) => {
      const measured = ms.filter((m): m is Extract<Measurement, { status: 'measured' }> => m.status === 'measured');
      const within = measured.filter((m) => m.withinTarget).length;
      const med = median(measured.map((m) => m.minutes));
      return {
        month,
        events: ms.length,
        measured: measured.length,
        missingArrival: ms.filter((m) => m.status === 'no-arrival').length,
        invalid: ms.filter((m) => m.status === 'invalid').length,
        medianMinutes: med === null ? null : Math.round(med * 10) / 10,
        withinTarget: within,
        shareWithinTarget: measured.length > 0 ? within / measured.length : null,
      };
    });
}
