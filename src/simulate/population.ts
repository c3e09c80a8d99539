/**
 * People and households of one village. Ages and sexes are drawn from the census marginals
 * (rates.ts), then grouped into households: couples of similar age, children with a mother 20–42
 * years older, some widowed elderly with an adult child's family, the rest alone. This keeps the age
 * pyramid exact in expectation while households look like households (shared surname, address, phone).
 */
import type { Village } from './district.js';
import { makeName, drawGivenName, drawSurname, type PersonName } from './names.js';
import type { Rng } from './random.js';
import { AGE_GROUP_WIDTH, AGE_WEIGHTS, maleShare } from './rates.js';
import { dayToIso } from './options.js';

export type Sex = 'male' | 'female';

export interface Household {
  id: string;
  address: string;
  /** Address parts for FHIR Address.line. */
  line: string;
}

export interface Person {
  sex: Sex;
  /** Age in whole years on the first simulated day. */
  age: number;
  birthDay: number;
  birthDate: string;
  name: PersonName;
  phone?: string;
  household: Household;
  /** Region code for the ID number (where the household registration was first issued). */
  regionCode: string;
  migrant: boolean;
}

interface Draft {
  sex: Sex;
  age: number;
  surname?: string;
  members?: Draft[];
  spouse?: Draft;
  placed: boolean;
}

const PHONE_PREFIXES = ['130', '131', '133', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '177', '180', '181', '186', '187', '188', '189', '199'];
/** Provinces sending most migrant workers to Hangzhou (Anhui, Henan, Guizhou, Sichuan, Jiangxi, Hunan). */
const MIGRANT_REGIONS = ['340121', '341221', '412722', '522422', '513030', '362321', '430621'];

function drawAge(rng: Rng): number {
  const g = rng.categorical(AGE_WEIGHTS);
  return g * AGE_GROUP_WIDTH + rng.int(0, AGE_GROUP_WIDTH - 1);
}

function marriedProbability(age: number): number {
  if (age < 22) return 0;
  if (age < 30) return 0.5;
  if (age < 65) return 0.88;
  if (age < 80) return 0.72;
  return 0.4;
}

/** A mobile number (11 digits, Chinese operator prefixes). */
export function drawPhone(rng: Rng): string {
  return rng.pick(PHONE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0');
}

/**
 * Generates the `village.population` residents of a village grouped in households.
 * @param startDay first simulated day (ages are measured there)
 */
export function generateVillagePeople(
  rng: Rng,
  village: Village,
  startDay: number,
  district: { code: string; name: string },
): Person[][] {
  const n = village.population;
  const drafts: Draft[] = [];
  for (let i = 0; i < n; i++) {
    const age = drawAge(rng);
    drafts.push({ sex: rng.chance(maleShare(age)) ? 'male' : 'female', age, placed: false });
  }
  // Couples: the k-th youngest married woman with the k-th youngest married man.
  const women = drafts.filter((d) => d.sex === 'female' && rng.chance(marriedProbability(d.age))).sort((a, b) => a.age - b.age);
  const men = drafts.filter((d) => d.sex === 'male' && rng.chance(marriedProbability(d.age + 2))).sort((a, b) => a.age - b.age);
  const couples: Draft[] = [];
  for (let k = 0; k < Math.min(women.length, men.length); k++) {
    const w = women[k];
    const m = men[k];
    w.spouse = m;
    m.spouse = w;
    w.placed = m.placed = true;
    w.members = [w, m];
    couples.push(w); // the wife's draft holds the household
  }
  // Children and young unmarried adults join a couple whose wife is 20–42 years older.
  const byWifeAge = couples.slice().sort((a, b) => a.age - b.age);
  const lowerBound = (age: number): number => {
    let lo = 0;
    let hi = byWifeAge.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byWifeAge[mid].age < age) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const d of drafts) {
    if (d.placed) continue;
    const child = d.age < 18 || (d.age < 30 && rng.chance(0.6));
    const elder = d.age >= 70 && rng.chance(0.5);
    if (!child && !elder) continue;
    const [minAge, maxAge] = child ? [d.age + 20, d.age + 42] : [d.age - 45, d.age - 22];
    const lo = lowerBound(minAge);
    const hi = lowerBound(maxAge + 1);
    for (let attempt = 0; attempt < 6 && hi > lo; attempt++) {
      const host = byWifeAge[rng.int(lo, hi - 1)];
      const members = host.members ?? [];
      if (members.length < (child ? 5 : 6)) {
        members.push(d);
        d.placed = true;
        break;
      }
    }
  }
  const households: Draft[][] = couples.map((c) => c.members ?? [c]);
  for (const d of drafts) if (!d.placed) households.push([d]);
  rng.shuffle(households);

  const out: Person[][] = [];
  households.forEach((members, h) => {
    const group = 1 + Math.floor(h / 40);
    const line = `${village.name}${group}组${(h % 40) + 1}号`;
    const household: Household = {
      id: `${village.code}-${String(h + 1).padStart(4, '0')}`,
      address: `浙江省杭州市${district.name}${village.town.name}${line}`,
      line,
    };
    const fatherSurname = drawSurname(rng);
    const motherSurname = drawSurname(rng);
    const migrantHousehold = rng.chance(0.12);
    const people: Person[] = members.map((d, i) => {
      const birthDay = startDay - Math.floor(d.age * 365.25) - rng.int(0, 364);
      const birthDate = dayToIso(birthDay);
      const year = Number(birthDate.slice(0, 4));
      const spouseOfHead = i === 0 && members.length > 1 && members[1] === d.spouse;
      const surname = i === 0 ? (spouseOfHead ? motherSurname : drawSurname(rng)) : i === 1 && d.spouse ? fatherSurname : rng.chance(0.9) ? fatherSurname : motherSurname;
      const name = makeName(surname, drawGivenName(rng, d.sex, year));
      const migrant = migrantHousehold && year < 2005 && rng.chance(0.9);
      const regionCode = migrant
        ? rng.pick(MIGRANT_REGIONS)
        : year < 1988
          ? rng.chance(0.6) ? '330121' : '330181'
          : year < 2001
            ? '330181'
            : district.code;
      const phone = d.age >= 16 && d.age < 80 ? (rng.chance(0.96) ? drawPhone(rng) : undefined) : d.age >= 80 && rng.chance(0.4) ? drawPhone(rng) : undefined;
      return { sex: d.sex, age: d.age, birthDay, birthDate, name, phone, household, regionCode, migrant };
    });
    // Children and the oldest often give a parent's or child's number (a source of false matches).
    const adultPhone = people.find((p) => p.phone && p.age >= 20 && p.age < 70)?.phone;
    for (const p of people) if (!p.phone && adultPhone && rng.chance(0.85)) p.phone = adultPhone;
    out.push(people);
  });
  return out;
}
