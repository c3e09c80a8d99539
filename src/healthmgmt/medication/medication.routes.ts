/**
 * Chronic medication service routes (issue 6):
 *  GET  /api/chronic/refills       refill / renewal reminders (supply running out within `within` days), scoped, paginated
 *  POST /api/chronic/dispenses     dispense a prescription: MedicationDispense + stock decrement in one transaction
 *  GET  /api/chronic/stock         a facility's stock of protocol drugs
 *  POST /api/chronic/stock         receive (or correct) stock: { facility, drug, quantity, reason }
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessDenied, outcomes, type FhirStore, type RequestContext } from '../../foundation/fhir/index.js';
import { addDays } from '../chronic/index.js';
import { dispensePrescription, parseDispense } from './dispense.service.js';
import { moveStock, refillReminders, stockOf } from './medication.repository.js';

export interface MedicationRoutesOptions {
  store: FhirStore;
  clock?: () => Date;
  context: (request: FastifyRequest) => Promise<RequestContext>;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const ATC = /^[A-Z]\d{2}[A-Z]{2}\d{2}$/;

function integer(value: string | undefined, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) outcomes.fail(`${field} must be an integer ${min}–${max}`, field);
  return n;
}

export async function medicationRoutes(app: FastifyInstance, options: MedicationRoutesOptions): Promise<void> {
  const now = () => (options.clock ?? (() => new Date()))();
  const db = options.store.db;

  app.get('/api/chronic/refills', async (request) => {
    const ctx = await options.context(request);
    const q = request.query as Record<string, string | undefined>;
    if (q.orgUnit !== undefined && !/^\d{6}(\d{3}){0,2}$/.test(q.orgUnit)) outcomes.fail('orgUnit must be an org-unit code of 6, 9 or 12 digits', 'orgUnit');
    const within = integer(q.within, 'within', 7, 0, 90);
    const lapsed = integer(q.lapsed, 'lapsed', 90, 0, 365);
    const count = integer(q._count, '_count', 50, 1, 500);
    const offset = integer(q._offset, '_offset', 0, 0, 10_000_000);
    if (ctx.access && !ctx.access.canReadType('MedicationRequest')) throw accessDenied('Access denied: refill reminders need access to prescriptions');
    const today = now().toISOString().slice(0, 10);
    const page = await refillReminders(db, { today, until: addDays(today, within), lapsedSince: addDays(today, -lapsed), orgUnit: q.orgUnit, scope: ctx.access?.readable, count, offset });
    return { today, total: page.total, count, offset, next: offset + page.rows.length < page.total ? offset + count : null, rows: page.rows };
  });

  app.post('/api/chronic/dispenses', async (request, reply) => {
    const ctx = await options.context(request);
    const at = now();
    const input = parseDispense(request.body, at.toISOString().slice(0, 10));
    const result = await dispensePrescription(options.store, ctx, input, at);
    reply.code(201);
    return result;
  });

  app.get('/api/chronic/stock', async (request) => {
    await options.context(request);
    const q = request.query as Record<string, string | undefined>;
    if (!q.facility || !ID.test(q.facility)) outcomes.fail('facility must be an Organization id', 'facility');
    if (q.drug !== undefined && !ATC.test(q.drug)) outcomes.fail('drug must be an ATC code of 7 characters', 'drug');
    return { facility: q.facility, rows: await stockOf(db, q.facility, q.drug) };
  });

  app.post('/api/chronic/stock', async (request, reply) => {
    const ctx = await options.context(request);
    const b = (request.body ?? {}) as Record<string, unknown>;
    if (typeof b.facility !== 'string' || !ID.test(b.facility)) outcomes.fail('facility must be an Organization id', 'facility');
    if (typeof b.drug !== 'string' || !ATC.test(b.drug)) outcomes.fail('drug must be an ATC code of 7 characters', 'drug');
    if (typeof b.quantity !== 'number' || !Number.isFinite(b.quantity) || b.quantity === 0 || Math.abs(b.quantity) > 1_000_000) outcomes.fail('quantity must be a non-zero number of units (negative for a correction)', 'quantity');
    const reason = b.reason ?? (b.quantity > 0 ? 'receipt' : 'adjustment');
    if (reason !== 'receipt' && reason !== 'adjustment' && reason !== 'expired') outcomes.fail('reason must be receipt, adjustment or expired', 'reason');
    // The facility must exist (reference data readable by every signed-in user).
    await options.store.read(ctx, 'Organization', b.facility);
    const left = await db.transaction().execute((trx) => moveStock(trx, { id: randomUUID(), facility: b.facility as string, drug: b.drug as string, delta: b.quantity as number, reason, reference: null, at: now(), actor: ctx.actor }));
    if (left === null) outcomes.fail(`the stock of ${b.drug} would go below zero`, 'quantity');
    reply.code(201);
    return { facility: b.facility, drug: b.drug, quantity: left };
  });
}
