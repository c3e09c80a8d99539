/**
 * The district's structure: org units (Location tree), facilities (Organization), staff
 * (Practitioner, PractitionerRole) and family-doctor teams (CareTeam). Small (≤ a few thousand
 * objects even at full scale), so it is built once and kept in memory.
 */
import { allocate, type Rng } from './random.js';
import type { IdFactory } from './ids.js';
import { drawGivenName, drawSurname } from './names.js';
import type { ResolvedOptions } from './options.js';

/** Kinds of facility (FACILITY_TYPE_SYSTEM codes). */
export type FacilityType = 'district-hospital' | 'specialised-centre' | 'township-centre' | 'village-clinic';
/** Specialised-disease centres of the district hospital group. */
export type CentreKind = 'stroke' | 'chest-pain' | 'diabetes' | 'copd' | 'cancer';
export const CENTRE_KINDS: readonly CentreKind[] = ['stroke', 'chest-pain', 'diabetes', 'copd', 'cancer'];
/** Staff roles (STAFF_ROLE_SYSTEM codes). */
export type StaffRole = 'gp' | 'nurse' | 'public-health' | 'village-doctor' | 'specialist';

export interface Staff {
  id: string;
  code: string;
  name: string;
  gender: 'male' | 'female';
  role: StaffRole;
  facility: Facility;
}

export interface Facility {
  id: string;
  code: string;
  name: string;
  type: FacilityType;
  centreKind?: CentreKind;
  /** Code of the org unit it serves. */
  orgUnit: string;
  partOf?: Facility;
  staff: Staff[];
}

export interface Team {
  id: string;
  code: string;
  name: string;
  centre: Facility;
  lead: Staff;
  members: Staff[];
  villages: Village[];
}

export interface Town {
  index: number;
  /** Name of the district the town belongs to (e.g. 萧山区). */
  districtName: string;
  code: string;
  name: string;
  locationId: string;
  villages: Village[];
  centres: Facility[];
}

export interface Village {
  /** 0-based position in the district (also the village's PRNG/id stream number − 1). */
  index: number;
  code: string;
  name: string;
  locationId: string;
  town: Town;
  population: number;
  /** Village clinic serving it (its own, or a neighbour's in the same town), if any. */
  clinic?: Facility;
  centre: Facility;
  team: Team;
}

export interface District {
  code: string;
  name: string;
  locationId: string;
  towns: Town[];
  villages: Village[];
  hospital: Facility;
  centres: Record<CentreKind, Facility>;
  facilities: Facility[];
  teams: Team[];
}

/** Xiaoshan's towns and streets (镇/街道), used in order; more are numbered. */
const TOWN_NAMES = [
  '城厢街道', '北干街道', '蜀山街道', '新塘街道', '靖江街道', '南阳街道', '义蓬街道', '河庄街道', '党湾镇',
  '新街街道', '衙前镇', '瓜沥镇', '益农镇', '楼塔镇', '河上镇', '戴村镇', '浦阳镇', '进化镇', '所前镇',
  '义桥镇', '闻堰街道', '宁围街道',
];
const VILLAGE_HEADS = '东西南北新前后上下大小高山水云金湖江河桥塘湾岭溪竹桃梅凤龙长安永';
const VILLAGE_TAILS = '山村家塘桥湾岙坞埠浦港头垫庄园林田里溪浜圩墩';

const CENTRE_NAMES: Record<CentreKind, string> = {
  stroke: '卒中中心',
  'chest-pain': '胸痛中心',
  diabetes: '糖尿病诊疗中心',
  copd: '慢阻肺诊疗中心',
  cancer: '肿瘤诊疗中心',
};

/**
 * Builds the district for resolved options. Village populations vary (log-normal weights, σ = 0.45)
 * and sum exactly to `residents`.
 */
export function buildDistrict(opts: ResolvedOptions, rng: Rng, ids: IdFactory): District {
  const shape = opts.district;
  const districtLocationId = ids.next();
  const townCounts = allocate(shape.villages, Array.from({ length: shape.towns }, () => Math.exp(rng.normal(0, 0.3))));
  const popWeights = Array.from({ length: shape.villages }, () => Math.exp(rng.normal(0, 0.45)));
  const populations = allocate(opts.residents, popWeights);
  const usedNames = new Set<string>();
  const towns: Town[] = [];
  const villages: Village[] = [];
  const facilities: Facility[] = [];
  let staffCounter = 0;
  const newStaff = (facility: Facility, role: StaffRole): Staff => {
    const gender = role === 'nurse' ? (rng.chance(0.95) ? 'female' : 'male') : rng.chance(0.55) ? 'male' : 'female';
    const s: Staff = {
      id: ids.next(),
      code: `S${String(++staffCounter).padStart(6, '0')}`,
      name: drawSurname(rng) + drawGivenName(rng, gender, rng.int(1965, 1995)),
      gender,
      role,
      facility,
    };
    facility.staff.push(s);
    return s;
  };
  const newFacility = (code: string, name: string, type: FacilityType, orgUnit: string, partOf?: Facility): Facility => {
    const f: Facility = { id: ids.next(), code, name, type, orgUnit, partOf, staff: [] };
    facilities.push(f);
    return f;
  };

  const hospital = newFacility(`${shape.code}H01`, `${shape.name}第一人民医院（医共体总院）`, 'district-hospital', shape.code);
  for (let i = 0; i < 6; i++) newStaff(hospital, 'specialist');
  const centres = {} as Record<CentreKind, Facility>;
  CENTRE_KINDS.forEach((kind, i) => {
    const c = newFacility(`${shape.code}C0${i + 1}`, `${shape.name}${CENTRE_NAMES[kind]}`, 'specialised-centre', shape.code, hospital);
    c.centreKind = kind;
    for (let k = 0; k < 3; k++) newStaff(c, 'specialist');
    centres[kind] = c;
  });

  let villageIndex = 0;
  for (let t = 0; t < shape.towns; t++) {
    const code = `${shape.code}${String(t + 1).padStart(3, '0')}`;
    const baseName = TOWN_NAMES[t % TOWN_NAMES.length];
    const name = t < TOWN_NAMES.length ? baseName : `${baseName.slice(0, -2)}${Math.floor(t / TOWN_NAMES.length) + 1}${baseName.slice(-2)}`;
    const town: Town = { index: t, districtName: shape.name, code, name, locationId: ids.next(), villages: [], centres: [] };
    towns.push(town);
    for (let v = 0; v < townCounts[t]; v++) {
      let vname = '';
      for (let attempt = 0; attempt < 20 && (vname === '' || usedNames.has(vname)); attempt++) {
        vname = rng.pick([...VILLAGE_HEADS]) + rng.pick([...VILLAGE_TAILS]) + (rng.chance(0.15) ? '社区' : '村');
      }
      if (usedNames.has(vname)) vname = `${vname.replace(/(村|社区)$/, '')}${villageIndex}村`;
      usedNames.add(vname);
      const village = {
        index: villageIndex,
        code: `${code}${String(v + 1).padStart(3, '0')}`,
        name: vname,
        locationId: ids.next(),
        town,
        population: populations[villageIndex],
      } as Village;
      villageIndex++;
      town.villages.push(village);
      villages.push(village);
    }
  }

  // Township centres: one per town, the extra ones to the most populous towns.
  const townPop = towns.map((t) => t.villages.reduce((s, v) => s + v.population, 0));
  const order = towns.map((_, i) => i).sort((a, b) => townPop[b] - townPop[a] || a - b);
  const centreCounts = towns.map(() => 1);
  for (let k = 0; k < shape.townshipCentres - towns.length; k++) centreCounts[order[k % towns.length]]++;
  const teams: Team[] = [];
  for (const town of towns) {
    for (let c = 0; c < centreCounts[town.index]; c++) {
      const suffix = centreCounts[town.index] > 1 ? `第${c + 1}` : '';
      const centre = newFacility(`${town.code}T${c + 1}`, `${town.name}${suffix}社区卫生服务中心`, 'township-centre', town.code, hospital);
      town.centres.push(centre);
    }
    town.villages.forEach((v, i) => (v.centre = town.centres[i % town.centres.length]));
    for (const centre of town.centres) {
      const served = town.villages.filter((v) => v.centre === centre);
      const pop = served.reduce((s, v) => s + v.population, 0);
      const nTeams = Math.max(1, Math.min(served.length || 1, Math.ceil(pop / opts.residentsPerTeam)));
      const centreTeams: Team[] = [];
      for (let k = 0; k < nTeams; k++) {
        const lead = newStaff(centre, 'gp');
        const team: Team = {
          id: ids.next(),
          code: `${centre.code}-${k + 1}`,
          name: `${centre.name}家庭医生团队${k + 1}（${lead.name}）`,
          centre,
          lead,
          members: [lead, newStaff(centre, 'nurse'), newStaff(centre, 'public-health')],
          villages: [],
        };
        centreTeams.push(team);
        teams.push(team);
      }
      served.forEach((v, i) => {
        v.team = centreTeams[i % centreTeams.length];
        v.team.villages.push(v);
      });
    }
  }

  // Village clinics: hosted by randomly chosen villages (at least one per town when possible).
  const hosts = rng.shuffle(villages.slice()).slice(0, Math.min(villages.length, shape.villageClinics));
  for (const v of hosts.sort((a, b) => a.index - b.index)) {
    const clinic = newFacility(`${v.code}V`, `${v.name}卫生室`, 'village-clinic', v.code, v.centre);
    v.clinic = clinic;
    v.team.members.push(newStaff(clinic, 'village-doctor'));
  }
  for (const town of towns) {
    const own = town.villages.filter((v) => v.clinic);
    for (const v of town.villages) if (!v.clinic && own.length > 0) v.clinic = own[v.index % own.length].clinic;
  }
  return {
    code: shape.code,
    name: shape.name,
    locationId: districtLocationId,
    towns,
    villages,
    hospital,
    centres,
    facilities,
    teams,
  };
}

/** The resource types of the structure, in the order they must be loaded. */
export const STRUCTURE_TYPES = ['Location', 'Organization', 'Practitioner', 'PractitionerRole', 'CareTeam'] as const;
