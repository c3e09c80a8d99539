/**
 * Dispensing a chronic prescription at the village clinic or township pharmacy: one
 * MedicationDispense written through the FHIR store and the facility's stock of the drug
 * decremented in the same transaction (no stock, no dispense: a 409 rolls both back).
 * Refused with a 4xx naming the field: a dispense dated before the prescription, after today, on a
 * prescription that is not active or has no fills left, or for more than 12 weeks' supply.
 */
import type { MedicationDispense, MedicationRequest } from '@medplum/fhirtypes';
import { OperationOutcomeError, UCUM_SYSTEM, outcomes, validateInput, type FhirStore, type RequestContext } from '../../foundation/fhir/index.js';
import { datePart, drugCategory } from '../chronic/index.js';
import { fillsOf, moveStock } from './medication.repository.js';

export interface DispenseInput {
  prescription: string;
  facility: string;
  date: string;
  quantity: number;
  daysSupply: number | null;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Parses POST /api/chronic/dispenses; throws a 400 naming the field. */
export function parseDispense(body: unknown, today: string): DispenseInput {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.prescription !== 'string' || !ID.test(b.prescription)) outcomes.fail('prescription must be the MedicationRequest id', 'prescription');
  if (typeof b.facility !== 'string' || !ID.test(b.facility)) outcomes.fail('facility must be the Organization id of the dispensing clinic or pharmacy', 'facility');
  const date = b.date ?? today;
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) outcomes.fail('date must be a date YYYY-MM-DD', 'date');
  if (date > today) outcomes.fail(`date ${date} is in the future`, 'date');
  if (typeof b.quantity !== 'number' || !Number.isFinite(b.quantity) || b.quantity <= 0 || b.quantity > 10_000) outcomes.fail('quantity must be a positive number of units (tablets)', 'quantity');
  let daysSupply: number | null = null;
  if (b.daysSupply !== undefined) {
    if (!Number.isInteger(b.daysSupply) || (b.daysSupply as number) < 1 || (b.daysSupply as number) > 84) outcomes.fail('daysSupply must be 1–84 days (at most 12 weeks)', 'daysSupply');
    daysSupply = b.daysSupply as number;
  }
  return { prescription: b.prescription, facility: b.facility, date, quantity: b.quantity, daysSupply };
}

export interface DispenseResult {
  dispense: string;
  fills: number;
  fillsAllowed: number;
  /** Stock of the drug left at the facility (null: not a protocol drug, no stock kept). */
  stockLeft: number | null;
  refillDue: string;
}

const conflict = (text: string, expression: string) =>
  new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'conflict', details: { text }, expression: [expression] }] });

export async function dispensePrescription(store: FhirStore, ctx: RequestContext, input: DispenseInput, now: Date): Promise<DispenseResult> {
  const stored = await store.read(ctx, 'MedicationRequest', input.prescription);
  const request = JSON.parse(stored.json as string) as MedicationRequest;
  const authored = datePart(request.authoredOn);
  if (authored && input.date < authored) outcomes.fail(`a dispense on ${input.date} cannot come before the prescription of ${authored}`, 'date');
  if (request.status !== 'active') throw conflict(`the prescription is ${request.status}, not active`, 'prescription');
  const coding = request.medicationCodeableConcept?.coding?.[0];
  const drug = coding?.code;
  if (!drug) outcomes.fail('the prescription names no coded medicine', 'prescription');
  const perFill = request.dispenseRequest?.expectedSupplyDuration?.value;
  const daysSupply = input.daysSupply ?? (typeof perFill === 'number' ? Math.round(perFill) : null);
  if (!daysSupply) outcomes.fail('daysSupply is needed: the prescription gives no expected supply duration', 'daysSupply');
  const allowed = (request.dispenseRequest?.numberOfRepeatsAllowed ?? 0) + 1;
  const protocol = coding?.system === 'http://www.whocc.no/atc' && drugCategory(drug) !== null;
  return store.inTransaction(ctx, async (session) => {
    const fills = await fillsOf(session.ex, input.prescription);
    if (fills >= allowed) throw conflict(`the prescription's ${allowed} fill(s) have all been handed over: a new prescription is needed`, 'prescription');
    const id = store.newId();
    let stockLeft: number | null = null;
    if (protocol) {
      stockLeft = await moveStock(session.ex, { id: store.newId(), facility: input.facility, drug, delta: -input.quantity, reason: 'dispense', reference: `MedicationDispense/${id}`, at: now, actor: ctx.actor });
      if (stockLeft === null) throw conflict(`not enough ${drug} in stock at Organization/${input.facility} for ${input.quantity}`, 'quantity');
    }
    const dispense: MedicationDispense = {
      resourceType: 'MedicationDispense',
      id,
      status: 'completed',
      medicationCodeableConcept: request.medicationCodeableConcept,
      subject: request.subject,
      performer: [{ actor: { reference: `Organization/${input.facility}` } }],
      authorizingPrescription: [{ reference: `MedicationRequest/${input.prescription}` }],
      quantity: { value: input.quantity },
      daysSupply: { value: daysSupply, unit: 'days', system: UCUM_SYSTEM, code: 'd' },
      whenHandedOver: input.date,
    };
    await store.createIn(session, validateInput(dispense, 'MedicationDispense'), 'MedicationDispense', id);
    const refillDue = new Date(Date.parse(`${input.date}T00:00:00Z`) + daysSupply * 86_400_000).toISOString().slice(0, 10);
    return { dispense: id, fills: fills + 1, fillsAllowed: allowed, stockLeft, refillDue };
  });
}
