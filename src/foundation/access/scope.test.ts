import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type RawBuilder } from 'kysely';
import { describe, expect, it } from 'vitest';
import { compileAccess, type Grant, type Principal } from './scope.js';
import { withResources } from './care-relationship.js';

// Compiles SQL without a database (Kysely's documented "dummy driver" setup).
const db = new Kysely<any>({ dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (k) => new PostgresIntrospector(k), createQueryCompiler: () => new PostgresQueryCompiler() } });
const text = (p: RawBuilder<boolean>) => p.compile(db).sql;
const params = (p: RawBuilder<boolean>) => p.compile(db).parameters;
const NOW = new Date('2026-03-01T00:00:00Z');
const who = (...grants: Grant[]): Principal => ({ kind: 'user', id: 'u', name: 'u', grants, breakGlass: [] });
const grant = (role: Grant['role'], orgUnit: string | null, careTeam: string | null = null): Grant => ({ role, orgUnit, careTeam });

describe('compileAccess: care relationships', () => {
  it('a platform-wide grant still folds to true', () => {
    const a = compileAccess(who(grant('specialist', null)), NOW);
    expect(text(a.readable)).toBe('true');
    expect(text(a.writable)).toBe('true');
  });

  it('marks writes everywhere only when the write predicate is the constant true (the store then skips its write check)', () => {
    const everywhere = compileAccess(who(grant('system-integrator', null)), NOW);
    expect(everywhere.writesEverywhere).toBe(everywhere.writable);
    expect(compileAccess(who(grant('system-integrator', '330109001')), NOW).writesEverywhere).toBeUndefined();
    // A wrapper that replaces the predicate is no longer "everywhere" by identity.
    const wrapped = withResources(everywhere, [{ resourceType: 'Patient', id: 'p1' }]);
    expect(wrapped.writesEverywhere === wrapped.writable).toBe(false);
    // A reader-only role writes nothing: false, not "everywhere".
    const reader = compileAccess(who(grant('cdc-epidemiologist', null)), NOW);
    expect(reader.writesEverywhere === undefined || reader.writesEverywhere !== reader.writable).toBe(true);
  });

  it('a specialist bound to an org unit reaches the residents of valid relationships under it, in SQL', () => {
    const a = compileAccess(who(grant('specialist', '330109H01')), NOW);
    const r = text(a.readable);
    expect(r).toContain('r.org_unit LIKE');
    expect(r).toContain('access_care_relationship');
    expect(r).toContain('mpi_link');
    expect(params(a.readable)).toContain('330109H01%');
    expect(params(a.readable)).toContainEqual(NOW);
    // Writes: care may be recorded, the Patient itself is not re-registered through a relationship.
    expect(text(a.writable)).toContain(`r.resource_type <> 'Patient' AND`);
  });

  it('every clinical role gets it; other roles and care-team grants do not', () => {
    for (const role of ['village-doctor', 'family-doctor', 'clinician', 'specialist'] as const) {
      expect(text(compileAccess(who(grant(role, '330109001')), NOW).readable)).toContain('access_care_relationship');
    }
    for (const role of ['pharmacist', 'cdc-epidemiologist', 'district-admin', 'data-steward', 'system-integrator'] as const) {
      expect(text(compileAccess(who(grant(role, '330109001')), NOW).readable)).not.toContain('access_care_relationship');
    }
    expect(text(compileAccess(who(grant('family-doctor', null, 'team-1')), NOW).readable)).not.toContain('access_care_relationship');
  });
});

describe('withResources', () => {
  it('with the residents loaded for the request: a literal list, or no clause at all when there are none', () => {
    const loaded = (list: string[]): Principal => ({ ...who(grant('specialist', '330109H01')), careResidents: { '330109H01': list } });
    const some = compileAccess(loaded(['p-1', "x'); DROP TABLE t; --"]), NOW);
    expect(text(some.readable)).toContain(`r.resident_id IN ('p-1')`);
    expect(text(some.readable)).not.toContain('DROP');
    expect(text(some.readable)).not.toContain('access_care_relationship');
    expect(text(some.writable)).toContain(`r.resource_type <> 'Patient' AND r.resident_id IN ('p-1')`);
    const none = compileAccess(loaded([]), NOW);
    expect(text(none.readable)).not.toContain('resident_id IN');
    expect(text(none.readable)).toContain('r.org_unit LIKE');
    // Too many for a literal list: back to the subquery.
    const many = compileAccess(loaded(Array.from({ length: 501 }, (_, i) => `p-${i}`)), NOW);
    expect(text(many.readable)).toContain('access_care_relationship');
  });

  it('adds the named resources to reading and writing, and ignores malformed types', () => {
    const base = compileAccess(who(grant('specialist', '330109H01')), NOW);
    const wide = withResources(base, [{ resourceType: 'Task', id: 't1' }, { resourceType: "x'; drop", id: 'y' }]);
    expect(text(wide.readable)).toContain('(r.resource_type = $');
    expect(params(wide.readable)).toEqual(expect.arrayContaining(['Task', 't1']));
    expect(params(wide.writable)).not.toContain("x'; drop");
    expect(wide.canReadType('Task')).toBe(true);
    expect(withResources(base, [])).toBe(base);
  });
});
