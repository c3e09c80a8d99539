/**
 * GET /api/indicators/chronic — the cohort indicators for the cockpit and work lists.
 * Query: condition=hypertension|diabetes, orgUnit=CODE, asOf=YYYY-MM-DD (default today),
 * by=self|town|village. Aggregates only: no resident is named in the answer.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../../foundation/db/index.js';
import { outcomes } from '../../foundation/fhir/index.js';
import { chronicIndicators } from './indicators.js';

export interface ChronicRoutesOptions {
  db: Database;
  clock?: () => Date;
  /** Throws (401/403 OperationOutcome) unless the caller may see aggregates of `orgUnit`. */
  authorizeOrgUnit: (request: FastifyRequest, orgUnit: string) => Promise<void>;
}

const LEVEL_LENGTH = { town: 9, village: 12 } as const;

export async function chronicRoutes(app: FastifyInstance, options: ChronicRoutesOptions): Promise<void> {
  app.get('/api/indicators/chronic', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const condition = q.condition ?? 'hypertension';
    if (condition !== 'hypertension' && condition !== 'diabetes') outcomes.fail('condition must be hypertension or diabetes', 'condition');
    const orgUnit = q.orgUnit ?? '';
    if (!/^\d{6}(\d{3}){0,2}$/.test(orgUnit)) outcomes.fail('orgUnit must be an org-unit code of 6, 9 or 12 digits', 'orgUnit');
    const asOf = q.asOf ?? (options.clock ?? (() => new Date()))().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) outcomes.fail('asOf must be a date YYYY-MM-DD', 'asOf');
    const by = q.by ?? 'self';
    if (by !== 'self' && by !== 'town' && by !== 'village') outcomes.fail('by must be self, town or village', 'by');
    await options.authorizeOrgUnit(request, orgUnit);
    const groupLength = by === 'self' ? orgUnit.length : LEVEL_LENGTH[by];
    if (groupLength < orgUnit.length) outcomes.fail(`by=${by} is above orgUnit ${orgUnit}`, 'by');
    return { rows: await chronicIndicators(options.db, { orgUnit, condition, asOf, groupLength }) };
  });
}
