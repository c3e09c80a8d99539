import type { Condition, Encounter, MedicationDispense, MedicationRequest, Patient, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FACILITY_MRN_SYSTEM_PREFIX,
  LOINC,
  ORG_UNIT_EXTENSION,
  ORG_UNIT_SYSTEM,
  RESIDENT_ID_SYSTEM,
} from '../foundation/fhir/index.js';
import { validateResidentId } from '../foundation/mpi/index.js';
import { LOAD_ORDER, simulateDistrict, type SimulationSummary } from './index.js';

type Row = Record<string, string | number>;

interface Run {
  resources: Resource[];
  truth: Map<string, Row[]>;
  summary: SimulationSummary;
}

async function run(residents: number, years: number, seed: number): Promise<Run> {
  const resources: Resource[] = [];
  const truth = new Map<string, Row[]>();
  const summary = await simulateDistrict({ residents, years, seed, startDate: '2023-01-01' }, {
    resource: (r) => void resources.push(r),
    truth: (t, row) => void (truth.get(t) ?? truth.set(t, []).get(t))?.push(row),
  });
  return { resources, truth, summary };
}

function byType<T extends Resource>(r: Run, type: T['resourceType']): T[] {
  return r.resources.filter((x) => x.resourceType === type) as T[];
}

/** Every `reference` string anywhere in a resource. */
function references(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else references(v, out);
    }
  }
  return out;
}

describe('simulateDistrict (5,000 residents × 2 years)', () => {
  let big: Run;
  beforeAll(async () => {
    big = await run(5000, 2, 2024);
  });

  it('emits every resident once as a primary Patient with a valid, unique 18-digit ID consistent with birth date and sex', () => {
    const primaries = byType<Patient>(big, 'Patient').filter((p) => p.extension?.some((e) => e.url.endsWith('/household')));
    expect(primaries).toHaveLength(5000);
    const ids = new Set<string>();
    const problems: string[] = [];
    for (const p of primaries) {
      const id = p.identifier?.find((i) => i.system === RESIDENT_ID_SYSTEM)?.value ?? '';
      const v = validateResidentId(id);
      if (!v.valid || v.birthDate !== p.birthDate || v.sex !== p.gender) problems.push(`${id} ${p.birthDate} ${p.gender}`);
      ids.add(id);
      if (!/^[\u4e00-\u9fff]{2,4}$/.test(p.name?.[0].text ?? '')) problems.push(`name ${p.name?.[0].text}`);
      if (!/^[A-Z][a-z]+ [A-Z][a-z]+$/.test(p.name?.[1].text ?? '')) problems.push(`pinyin ${p.name?.[1].text}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(ids.size).toBe(5000);
  });

  it('resolves every reference to an earlier-loaded resource', () => {
    const known = new Set(big.resources.map((r) => `${r.resourceType}/${r.id}`));
    expect(known.size).toBe(big.resources.length); // ids unique
    const rank = new Map<string, number>(LOAD_ORDER.map((t, i) => [t, i]));
    const problems: string[] = [];
    let checked = 0;
    for (const r of big.resources) {
      if (!rank.has(r.resourceType)) problems.push(`unexpected type ${r.resourceType}`);
      for (const ref of references(r)) {
        checked++;
        if (!known.has(ref)) problems.push(`${r.resourceType}/${r.id} → ${ref} missing`);
        if ((rank.get(ref.split('/')[0]) ?? 99) > (rank.get(r.resourceType) ?? -1)) problems.push(`${r.resourceType} → ${ref} loads later`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(big.resources.length);
  });

  it('emits resources with their required fields', () => {
    const problems: string[] = [];
    const check = (ok: boolean, r: Resource, what: string) => {
      if (!ok) problems.push(`${r.resourceType}/${r.id}: ${what}`);
    };
    for (const r of big.resources) {
      check(/^[A-Za-z0-9\-.]{1,64}$/.test(r.id ?? ''), r, 'id');
      switch (r.resourceType) {
        case 'Location':
          check(r.identifier?.[0].system === ORG_UNIT_SYSTEM && r.physicalType?.coding?.[0].code === 'jdn', r, 'org unit');
          break;
        case 'Encounter':
          check(r.status === 'finished' && /^(AMB|IMP)$/.test(r.class.code ?? '') && !!r.period?.start && !!r.subject, r, 'encounter');
          break;
        case 'Condition':
          check(/^[A-Z]\d{2}(\.\d)?$/.test(r.code?.coding?.[0].code ?? '') && /^Patient\//.test(r.subject.reference ?? ''), r, 'condition');
          break;
        case 'Observation':
          check(r.status === 'final' && !!r.code.coding?.[0].code && !!(r.valueQuantity ?? r.component ?? r.valueCodeableConcept), r, 'observation');
          break;
        case 'MedicationRequest':
          check(r.intent === 'order' && !!r.medicationCodeableConcept && (r.dispenseRequest?.expectedSupplyDuration?.value ?? 99) <= 84, r, 'request');
          break;
        case 'MedicationDispense':
          check(r.status === 'completed' && !!r.whenHandedOver && !!r.daysSupply?.value, r, 'dispense');
          break;
        case 'Patient':
          check(/^330109\d{6}$/.test(r.extension?.find((e) => e.url === ORG_UNIT_EXTENSION)?.valueCode ?? ''), r, 'org unit');
          check(!!r.birthDate && !!r.gender && !!r.name?.length, r, 'demographics');
          break;
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('never dispenses before the prescription', () => {
    const authored = new Map(byType<MedicationRequest>(big, 'MedicationRequest').map((m) => [m.id, m.authoredOn ?? '']));
    const early = byType<MedicationDispense>(big, 'MedicationDispense').filter(
      (d) => (d.whenHandedOver ?? '').slice(0, 10) < (authored.get(d.authorizingPrescription?.[0].reference?.slice(18) ?? '') ?? '').slice(0, 10),
    );
    expect(early).toEqual([]);
  });

  it('hits the configured prevalences and age structure within tolerance', () => {
    const rf = big.truth.get('risk_factors') ?? [];
    const conditions = big.truth.get('conditions') ?? [];
    const adults = new Set(rf.filter((r) => Number(r.age) >= 18).map((r) => r.person));
    const share = (cond: string) => conditions.filter((c) => c.condition === cond && adults.has(c.person)).length / adults.size;
    expect(share('hypertension')).toBeGreaterThan(0.245);
    expect(share('hypertension')).toBeLessThan(0.295);
    expect(share('type-2-diabetes')).toBeGreaterThan(0.1);
    expect(share('type-2-diabetes')).toBeLessThan(0.14);
    const ht = conditions.filter((c) => c.condition === 'hypertension');
    const aware = ht.filter((c) => c.aware === 1);
    expect(aware.length / ht.length).toBeCloseTo(0.52, 1);
    expect(aware.filter((c) => c.treated === 1).length / aware.length).toBeCloseTo(0.85, 1);
    const elderly = rf.filter((r) => Number(r.age) >= 65).length / rf.length;
    expect(elderly).toBeGreaterThan(0.11);
    expect(elderly).toBeLessThan(0.155);
    const maleSmokers = rf.filter((r) => r.sex === 'male' && Number(r.age) >= 15);
    expect(maleSmokers.filter((r) => r.smoking === 'current').length / maleSmokers.length).toBeCloseTo(0.505, 1);
  });

  it('makes injected outbreaks visible as excess cases in their village and window', () => {
    const outbreaks = big.truth.get('outbreaks') ?? [];
    expect(outbreaks.length).toBeGreaterThanOrEqual(2);
    const village = new Map(byType<Patient>(big, 'Patient').map((p) => [p.id, p.extension?.find((e) => e.url === ORG_UNIT_EXTENSION)?.valueCode]));
    const cases = byType<Condition>(big, 'Condition').filter((c) => c.category?.some((k) => k.coding?.[0].code === 'notifiable'));
    for (const o of outbreaks) {
      const inVillage = cases.filter((c) => c.code?.coding?.[0].code === o.icd10 && village.get(c.subject.reference?.slice(8)) === o.area);
      const enc = new Map(byType<Encounter>(big, 'Encounter').map((e) => [e.id, e.period?.start?.slice(0, 10) ?? '']));
      const dayOf = (c: Condition) => enc.get(c.encounter?.reference?.slice(10) ?? '') ?? '';
      const inside = inVillage.filter((c) => dayOf(c) >= String(o.start) && dayOf(c) <= String(o.end)).length;
      const days = (Date.parse(String(o.end)) - Date.parse(String(o.start))) / 86_400_000 + 1;
      const outsideRate = (inVillage.length - inside) / (730 - days);
      expect(inside, JSON.stringify(o)).toBeGreaterThanOrEqual(Number(o.extra_cases));
      expect(inside).toBeGreaterThan(3 * outsideRate * days + 3);
    }
  });

  it('registers duplicates with dirty demographics, in truth and in output', () => {
    const dups = big.truth.get('duplicates') ?? [];
    const patients = new Map(byType<Patient>(big, 'Patient').map((p) => [p.id, p]));
    const dupRows = dups.filter((d) => d.record === 'duplicate');
    expect(dupRows.length / 5000).toBeGreaterThan(0.06);
    expect(dupRows.length / 5000).toBeLessThan(0.11);
    const corruptions = new Set(dupRows.flatMap((d) => String(d.corruptions).split(';')));
    for (const c of ['homophone', 'pinyin-only', 'id-missing', 'phone-changed']) expect(corruptions).toContain(c);
    for (const d of dupRows) {
      const p = patients.get(String(d.patient_id));
      expect(p).toBeDefined();
      expect(p?.identifier?.some((i) => i.system === `${FACILITY_MRN_SYSTEM_PREFIX}${d.facility}`)).toBe(true);
      expect(dups.some((x) => x.person === d.person && x.record === 'primary')).toBe(true);
    }
    const clusters = big.truth.get('patient-clusters') ?? [];
    expect(clusters.length).toBe(patients.size);
  });

  it('keeps the volume within ~15 resources per resident-year and has every clinical type', () => {
    const total = Object.values(big.summary.resources).reduce((s, x) => s + x, 0);
    expect(total / 5000 / 2).toBeLessThan(15);
    for (const t of LOAD_ORDER) expect(big.summary.resources[t] ?? 0, t).toBeGreaterThan(0);
    const bp = byType<Resource>(big, 'Observation').filter((o) => o.resourceType === 'Observation' && o.code.coding?.[0].code === LOINC.bpPanel);
    expect(bp.length).toBeGreaterThan(1000);
  });
});

describe('determinism', () => {
  it('same seed → identical output; different seed → different', async () => {
    const a = await run(600, 0.5, 7);
    const b = await run(600, 0.5, 7);
    const c = await run(600, 0.5, 8);
    const text = (r: Run) => r.resources.map((x) => JSON.stringify(x)).join('\n') + JSON.stringify([...r.truth]);
    expect(text(a)).toBe(text(b));
    expect(text(a)).not.toBe(text(c));
  });
});
