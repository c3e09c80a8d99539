/**
 * The district tree (Location org units with hierarchical administrative codes) and the facilities
 * that serve each unit (Organization with the org-unit extension). Both are small reference data:
 * fetched once and cached for the session.
 */
import type { Location, Organization } from '@medplum/fhirtypes';
import { api } from './client';
import { codeIn, extensionValue, FACILITY_SYSTEM, FACILITY_TYPE_SYSTEM, identifierValue, ORG_UNIT_EXTENSION, ORG_UNIT_LEVEL_SYSTEM, ORG_UNIT_SYSTEM, refId, token } from './fhir-codes';

export type OrgLevel = 'district' | 'town' | 'village';

export interface OrgUnit {
  id: string;
  code: string;
  name: string;
  level: OrgLevel;
  parent?: string;
  children: string[];
}

export interface Facility {
  id: string;
  code: string;
  name: string;
  type: string;
  /** Org-unit code of the unit the facility serves. */
  orgUnit: string;
}

export interface District {
  units: Map<string, OrgUnit>;
  root: OrgUnit | undefined;
  facilities: Facility[];
}

const LEVELS: readonly OrgLevel[] = ['district', 'town', 'village'];

/** Loads org units and facilities (a few hundred resources even for a large district). */
export async function loadDistrict(): Promise<District> {
  const [locations, orgs] = await Promise.all([
    api.searchAll<Location>('Location', { identifier: token(ORG_UNIT_SYSTEM, ''), _count: 1000 }, 20),
    api.searchAll<Organization>('Organization', { identifier: token(FACILITY_SYSTEM, ''), _count: 1000 }, 20),
  ]);
  const byId = new Map<string, OrgUnit>();
  for (const l of locations.resources) {
    const code = identifierValue(l.identifier, ORG_UNIT_SYSTEM);
    if (!code || !l.id) continue;
    const level = (l.type ?? []).map((t) => codeIn(t, ORG_UNIT_LEVEL_SYSTEM)).find((c): c is OrgLevel => LEVELS.includes(c as OrgLevel));
    byId.set(l.id, { id: l.id, code, name: l.name ?? code, level: level ?? (code.length <= 6 ? 'district' : code.length <= 9 ? 'town' : 'village'), children: [] });
  }
  const units = new Map<string, OrgUnit>();
  for (const l of locations.resources) {
    const unit = l.id ? byId.get(l.id) : undefined;
    if (!unit) continue;
    unit.parent = byId.get(refId(l.partOf) ?? '')?.code;
    units.set(unit.code, unit);
  }
  for (const u of units.values()) if (u.parent) units.get(u.parent)?.children.push(u.code);
  for (const u of units.values()) u.children.sort();
  const facilities: Facility[] = [];
  for (const o of orgs.resources) {
    const code = identifierValue(o.identifier, FACILITY_SYSTEM);
    const orgUnit = extensionValue(o.extension, ORG_UNIT_EXTENSION)?.valueCode;
    if (!o.id || !code || !orgUnit) continue;
    facilities.push({ id: o.id, code, name: o.name ?? code, type: (o.type ?? []).map((t) => codeIn(t, FACILITY_TYPE_SYSTEM)).find(Boolean) ?? '', orgUnit });
  }
  const root = [...units.values()].find((u) => u.level === 'district' && !u.parent) ?? [...units.values()].find((u) => !u.parent);
  return { units, root, facilities };
}

/** Facilities serving `unit` or any unit below it (codes are hierarchical prefixes). */
export function facilitiesWithin(district: District, unit: OrgUnit): Facility[] {
  return district.facilities.filter((f) => f.orgUnit.startsWith(unit.code));
}

/** Township centres of the town that holds `unit` (they keep the residents' primary records). */
export function townshipCentresFor(district: District, unit: OrgUnit): Facility[] {
  const centres = district.facilities.filter((f) => f.type === 'township-centre');
  if (unit.level === 'district') return centres;
  const town = unit.level === 'town' ? unit.code : (unit.parent ?? unit.code);
  return centres.filter((f) => f.orgUnit === town);
}

/** Units from the root down to `unit` (breadcrumb). */
export function pathTo(district: District, unit: OrgUnit): OrgUnit[] {
  const out: OrgUnit[] = [];
  for (let u: OrgUnit | undefined = unit; u; u = u.parent ? district.units.get(u.parent) : undefined) out.unshift(u);
  return out;
}

export const refs = (facilities: Facility[]) => facilities.map((f) => `Organization/${f.id}`).join(',');
