/**
 * Real-time block caps over a store: a broad name block larger than its real-time cap is not read
 * when the new Patient has a narrower key (ID, phone, birth date), so the candidates of a create do
 * not grow with a common name; a re-registration still joins its person through the narrow keys,
 * and a Patient with nothing but a name and sex is still compared within the name block.
 */
import type { Patient } from '@medplum/fhirtypes';
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFhirDefinitions, RESIDENT_ID_SYSTEM, type FhirStore } from '../src/foundation/fhir/index.js';
import { cappedBlockingKeys, generateResidentId, safeRecord } from '../src/foundation/mpi/index.js';
import * as repo from '../src/foundation/mpi/mpi.repository.js';
import { createStore, loadConfig } from '../src/server/index.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';

const CAP = 5;
const system = { actor: 'test' };
let database: TestDatabase;
let store: FhirStore;
const stored: string[] = [];

const wangWei = (i: number, extra: Partial<Patient> = {}): Patient => ({
  resourceType: 'Patient',
  name: [{ text: '王伟' }],
  gender: 'male',
  birthDate: `${1950 + i}-0${1 + (i % 9)}-1${i % 10}`,
  telecom: [{ system: 'phone', value: `1381234${String(1000 + i)}` }],
  identifier: [{ system: RESIDENT_ID_SYSTEM, value: generateResidentId({ regionCode: '330109', birthDate: `${1950 + i}-0${1 + (i % 9)}-1${i % 10}`, sequence: 10 + i, sex: 'male' }) }],
  ...extra,
});

beforeAll(async () => {
  loadFhirDefinitions();
  database = await freshDatabase();
  // The cap as the server sets it from HB_MPI_BROAD_BLOCK_SIZE (createStore → the MPI projector).
  store = createStore(database.db, { mpiBroadBlockSize: loadConfig({ HB_MPI_BROAD_BLOCK_SIZE: String(CAP) }).mpiBroadBlockSize }).store;
  for (let i = 0; i < 2 * CAP; i++) stored.push((await store.create(system, wangWei(i))).version.id);
}, 120_000);

afterAll(async () => {
  await store?.settle();
  await database?.drop();
});

describe('real-time block caps', () => {
  it('skips a broad name block over its cap when the record has narrower keys', async () => {
    const newcomer = safeRecord(wangWei(40), '');
    const capped = await repo.fetchCappedPool(database.db, cappedBlockingKeys(newcomer, { broadBlockSize: CAP }));
    expect(capped).toHaveLength(0);
    // the same lookup with the batch's cap reads the whole 王伟 block
    const full = await repo.fetchCappedPool(database.db, cappedBlockingKeys(newcomer, { broadBlockSize: 1000 }));
    expect(full.map((p) => p.patientId).sort()).toEqual([...stored].sort());
  });

  it('still reads the name block for a record with nothing narrower', async () => {
    const bare = safeRecord({ resourceType: 'Patient', name: [{ text: '王伟' }], gender: 'male' }, '');
    const pool = await repo.fetchCappedPool(database.db, cappedBlockingKeys(bare, { broadBlockSize: CAP }));
    expect(pool).toHaveLength(stored.length);
  });

  it('links a re-registration to its person through its ID and phone', async () => {
    const again = await store.create(system, wangWei(3, { address: [{ text: '浙江省杭州市萧山区城厢街道城河村3组12号' }] }));
    const links = await repo.linksOf(database.db, [stored[3], again.version.id]);
    expect(links.get(again.version.id)?.personId).toBe(links.get(stored[3])?.personId);
    // and a new 王伟 with other keys stays a person of his own
    const other = await store.create(system, wangWei(41));
    const l2 = await repo.linksOf(database.db, [other.version.id, ...stored]);
    expect(stored.map((id) => l2.get(id)?.personId)).not.toContain(l2.get(other.version.id)?.personId);
  });
});

describe('HB_MPI_BROAD_BLOCK_SIZE', () => {
  it('defaults to 100 and names the field when it is not a whole number in 1..1000', () => {
    expect(loadConfig({}).mpiBroadBlockSize).toBe(100);
    expect(loadConfig({ HB_MPI_BROAD_BLOCK_SIZE: '50' }).mpiBroadBlockSize).toBe(50);
    for (const bad of ['0', '1001', '2.5', 'many']) expect(() => loadConfig({ HB_MPI_BROAD_BLOCK_SIZE: bad }), bad).toThrow(/^invalid configuration: mpiBroadBlockSize: /);
  });
});

describe('candidate query plan', () => {
  it('reads each block from the (key, patient_id) index even when the statistics are from a much smaller register', async () => {
    // Statistics taken while the register was small (few distinct keys), then 60,000 block rows more:
    // with those statistics the planner once chose a scan of the whole table per key.
    await sql`INSERT INTO mpi_block_key (key, patient_id) SELECT (g % 16) + 2000000, 'bulk-s' || g FROM generate_series(1, 800) g`.execute(database.db);
    await sql`ANALYZE mpi_block_key`.execute(database.db);
    await sql`INSERT INTO mpi_block_key (key, patient_id) SELECT (g % 20000) + 1000000, 'bulk-' || g FROM generate_series(1, 60000) g`.execute(database.db);
    const keys = Array.from({ length: 2000 }, (_, i) => ({ key: String(1_000_000 + i * 7), cap: 100 }));
    const q = repo.cappedPoolQuery(keys).compile(database.db);
    const plan = await database.db.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${q.sql}`, [...q.parameters]));
    const nodes: { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string }[] = [];
    const walk = (n: { Plans?: unknown[] } & (typeof nodes)[number]) => {
      nodes.push(n);
      for (const c of n.Plans ?? []) walk(c as never);
    };
    const raw = plan.rows[0]['QUERY PLAN'];
    walk((typeof raw === 'string' ? JSON.parse(raw) : raw)[0].Plan);
    const onBlocks = nodes.filter((n) => n['Relation Name'] === 'mpi_block_key');
    expect(onBlocks.length).toBeGreaterThan(0);
    expect(onBlocks.map((n) => n['Node Type'])).not.toContain('Seq Scan');
    expect(onBlocks.every((n) => n['Index Name'] === 'mpi_block_key_key')).toBe(true);
    await sql`DELETE FROM mpi_block_key WHERE patient_id LIKE 'bulk-%'`.execute(database.db);
  });
});
