/**
 * What projectors are given by a write (write-session.ts): each resource once, at the last version
 * the transaction wrote, and `created` only for resources the store did not hold before, so that
 * a create skips the replace-by-id delete while updates, re-owning and deletes stay exact.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Condition, Patient } from '@medplum/fhirtypes';
import { ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { caseReport } from './helpers/surveillance.js';

let server: TestServer;
const ctx = { actor: 'projection-test' };

const patient = (): Patient => ({ resourceType: 'Patient', birthDate: '1960-01-01', gender: 'male', extension: [{ url: ORG_UNIT_EXTENSION, valueCode: '330109001001' }] });
const hypertension = (p: string, status = 'active'): Condition => ({
  resourceType: 'Condition',
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: status }] },
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10' }] },
  subject: { reference: `Patient/${p}` },
  onsetDateTime: '2025-01-15',
});
const conditionRows = async (id: string) =>
  (await sql<{ resident_id: string; active: boolean }>`SELECT resident_id, active FROM proj_condition WHERE resource_id = ${id}`.execute(server.database.db)).rows;
const registered = async (resident: string) =>
  (await sql<{ category: string }>`SELECT category FROM chronic_registry WHERE resident_id = ${resident}`.execute(server.database.db)).rows.map((r) => r.category);

beforeAll(async () => {
  server = await startTestServer();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('projector input', () => {
  it('a resource created and changed in one transaction leaves the rows of its last version only', async () => {
    const store = server.app.store;
    const { a, condition } = await store.inTransaction(ctx, async (session) => {
      const a = (await store.createIn(session, patient(), 'Patient')).version.id;
      const created = await store.createIn(session, hypertension(a), 'Condition');
      await store.updateIn(session, { ...hypertension(a, 'resolved'), id: created.version.id }, created.version.id, undefined, 'Condition');
      return { a, condition: created.version.id };
    });
    expect(await conditionRows(condition)).toEqual([{ resident_id: a, active: false }]);
    expect(await registered(a)).toEqual([]);
  });

  it('an update replaces the rows, and moving a resource to another resident recomputes both', async () => {
    const store = server.app.store;
    const a = (await store.create(ctx, patient())).version.id;
    const b = (await store.create(ctx, patient())).version.id;
    const condition = (await store.create(ctx, hypertension(a))).version.id;
    expect(await conditionRows(condition)).toEqual([{ resident_id: a, active: true }]);
    expect(await registered(a)).toEqual(['hypertension']);

    await store.update(ctx, 'Condition', condition, { ...hypertension(b), id: condition });
    expect(await conditionRows(condition)).toEqual([{ resident_id: b, active: true }]);
    expect(await registered(a)).toEqual([]);
    expect(await registered(b)).toEqual(['hypertension']);

    await store.delete(ctx, 'Condition', condition);
    expect(await conditionRows(condition)).toEqual([]);
    expect(await registered(b)).toEqual([]);
  });

  it('a case report takes its diagnosis time from an Encounter written in the same transaction, as from a stored one', async () => {
    const store = server.app.store;
    const encounter = (start: string, p: string) => ({
      resourceType: 'Encounter' as const,
      status: 'finished' as const,
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${p}` },
      period: { start },
    });
    // Cholera (class A, 2-hour deadline), diagnosed at the encounter at 08:00 +08:00, recorded at 11:30.
    const cholera = (p: string, enc: string) => caseReport(p, 'A00.1', '2025-04-30T11:30:00+08:00', { encounter: { reference: `Encounter/${enc}` } }) as Condition;
    const deadline = async (id: string) =>
      (await sql<{ deadline_at: Date; late: boolean }>`SELECT deadline_at, late FROM proj_case WHERE resource_id = ${id} AND kind = 'case'`.execute(server.database.db)).rows.map((r) => ({ at: new Date(r.deadline_at).toISOString(), late: r.late }));
    const together = await store.inTransaction(ctx, async (session) => {
      const p = (await store.createIn(session, patient(), 'Patient')).version.id;
      const enc = (await store.createIn(session, encounter('2025-04-30T08:00:00+08:00', p), 'Encounter')).version.id;
      return (await store.createIn(session, cholera(p, enc), 'Condition')).version.id;
    });
    const p = (await store.create(ctx, patient())).version.id;
    const enc = (await store.create(ctx, encounter('2025-04-30T08:00:00+08:00', p))).version.id;
    const apart = (await store.create(ctx, cholera(p, enc))).version.id;
    const expected = [{ at: '2025-04-30T02:00:00.000Z', late: true }];
    expect(await deadline(apart)).toEqual(expected);
    expect(await deadline(together)).toEqual(expected);
  });
});
