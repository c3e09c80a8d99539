/**
 * Batched single reads (src/foundation/fhir/read-batcher.ts): reads started together share one
 * statement per type and scope, and each gets exactly what the unbatched scoped read gives it —
 * found or not, allowed or not, deleted or not.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferedAuditWriter, FhirStore, ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { ReadBatcher } from '../src/foundation/fhir/read-batcher.js';
import { readCurrentScoped } from '../src/foundation/fhir/scoped.repository.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';

let database: TestDatabase;
let store: FhirStore;
const ids: Record<string, string> = {};
const ctx = { actor: 'test' };
const ORG = ORG_UNIT_EXTENSION;

beforeAll(async () => {
  database = await freshDatabase();
  store = new FhirStore({ db: database.db, audit: new BufferedAuditWriter(database.db) });
  const patient = (unit: string, family: string) => ({ resourceType: 'Patient', name: [{ family }], extension: [{ url: ORG, valueCode: unit }] });
  ids.a = (await store.create(ctx, patient('330109001001', 'A'))).version.id;
  ids.b = (await store.create(ctx, patient('330109001001', 'B'))).version.id;
  ids.other = (await store.create(ctx, patient('330109002001', 'C'))).version.id;
  ids.gone = (await store.create(ctx, patient('330109001001', 'D'))).version.id;
  await store.delete(ctx, 'Patient', ids.gone);
});
afterAll(async () => {
  await database?.drop();
});

describe('ReadBatcher', () => {
  it('serves reads started together with one statement, each as the single scoped read serves it', async () => {
    const batcher = new ReadBatcher(database.db);
    const village = sql<boolean>`r.org_unit = ${'330109001001'}`;
    const wanted = [ids.a, ids.b, ids.other, ids.gone, 'no-such-id', ids.a];
    const batched = await Promise.all(wanted.map((id) => batcher.read('Patient', id, village)));
    expect(batcher.stats).toEqual({ statements: 1, reads: 6 });
    const single = await Promise.all(wanted.map((id) => readCurrentScoped(database.db, 'Patient', id, village)));
    expect(batched).toEqual(single);
    // What the single read says, so the comparison above compares something.
    expect(batched.map((v) => v && { allowed: v.allowed, deleted: v.deleted, content: v.json !== null })).toEqual([
      { allowed: true, deleted: false, content: true },
      { allowed: true, deleted: false, content: true },
      { allowed: false, deleted: false, content: false },
      { allowed: false, deleted: true, content: false }, // a deletion keeps no org unit: 410 comes first in the store
      undefined,
      { allowed: true, deleted: false, content: true },
    ]);
  });

  it('keeps reads of different scopes or types apart, and a lone read is a single-row query', async () => {
    const batcher = new ReadBatcher(database.db);
    const one = sql<boolean>`r.org_unit = ${'330109001001'}`;
    const two = sql<boolean>`r.org_unit = ${'330109002001'}`;
    const [a, other, obs] = await Promise.all([batcher.read('Patient', ids.a, one), batcher.read('Patient', ids.other, two), batcher.read('Observation', ids.a, one)]);
    expect(batcher.stats).toEqual({ statements: 3, reads: 3 });
    expect([a?.allowed, other?.allowed, obs]).toEqual([true, true, undefined]);
    await batcher.read('Patient', ids.b, one);
    expect(batcher.stats).toEqual({ statements: 4, reads: 4 });
  });

  it('fails every read of a failed batch with the database error', async () => {
    const batcher = new ReadBatcher(database.db);
    const broken = sql<boolean>`r.no_such_column = 1`;
    const results = await Promise.allSettled([batcher.read('Patient', ids.a, broken), batcher.read('Patient', ids.b, broken)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/no_such_column/);
  });
});
