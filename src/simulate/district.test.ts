import { describe, expect, it } from 'vitest';
import { buildDistrict } from './district.js';
import { districtResources } from './district-resources.js';
import { IdFactory } from './ids.js';
import { resolveOptions } from './options.js';
import { Rng } from './random.js';

describe('district shape', () => {
  it('scales down for small populations', () => {
    const d = resolveOptions({ residents: 20_000 }).district;
    expect(d).toMatchObject({ villages: 20, towns: 4, townshipCentres: 5, villageClinics: 12 });
  });

  it('is Xiaoshan-sized at 2 M residents', () => {
    const opts = resolveOptions({ residents: 2_000_000, years: 1 });
    expect(opts.district).toMatchObject({ code: '330109', villages: 500, towns: 20, townshipCentres: 25, villageClinics: 300 });
    const d = buildDistrict(opts, new Rng(1), new IdFactory(1, 0));
    expect(d.villages.reduce((s, v) => s + v.population, 0)).toBe(2_000_000);
    expect(d.facilities.filter((f) => f.type === 'township-centre')).toHaveLength(25);
    expect(d.facilities.filter((f) => f.type === 'village-clinic')).toHaveLength(300);
    expect(d.facilities.filter((f) => f.type === 'specialised-centre').map((f) => f.centreKind)).toEqual(['stroke', 'chest-pain', 'diabetes', 'copd', 'cancer']);
    expect(d.teams.length).toBeGreaterThan(450);
    for (const v of d.villages) {
      expect(v.code).toMatch(/^330109\d{6}$/);
      expect(v.code.startsWith(v.town.code)).toBe(true);
      expect(v.clinic).toBeDefined();
      expect(v.team.villages).toContain(v);
      expect(v.team.centre).toBe(v.centre);
    }
    expect(new Set(d.villages.map((v) => v.name)).size).toBe(500);
    const resources = districtResources(d);
    expect(resources.filter((r) => r.resourceType === 'Location')).toHaveLength(1 + 20 + 500);
    expect(resources.filter((r) => r.resourceType === 'Organization')).toHaveLength(1 + 5 + 25 + 300);
  });
});
