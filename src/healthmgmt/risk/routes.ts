/**
 * Routes of the risk-intervention loop:
 *  GET  /api/indicators/risk?orgUnit=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD&by=self|town|village|team|model — aggregates only
 *  POST /api/risk/assess {orgUnit, asOf?} — runs the scoring job over the org unit as the caller
 *       (every write is checked against the caller's scope by the store)
 *  GET  /api/risk/model — the newest trained model's version and held-out quality (no patient data)
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../../foundation/db/index.js';
import { OperationOutcomeError, outcomes, type FhirStore, type RequestContext } from '../../foundation/fhir/index.js';
import { assessResidents } from './assess.js';
import { riskIndicators } from './indicators.js';
import { BP_MODEL_TARGET, parseModelFile } from './model-file.js';
import { latestModel } from './repository.js';

export interface RiskRoutesOptions {
  db: Database;
  store: FhirStore;
  clock?: () => Date;
  /** Throws (401/403 OperationOutcome) unless the caller may see aggregates of `orgUnit`. */
  authorizeOrgUnit: (request: FastifyRequest, orgUnit: string) => Promise<void>;
  /** The caller's request context (authenticated; carries the access scope the store enforces). */
  context: (request: FastifyRequest) => Promise<RequestContext>;
}

const LEVEL_LENGTH = { town: 9, village: 12 } as const;
const ORG = /^\d{6}(\d{3}){0,2}$/;

function date(value: string | undefined, field: string, fallback: string): string {
  const v = value ?? fallback;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) outcomes.fail(`${field} must be a date YYYY-MM-DD`, field);
  return v;
}

/** The newest saved model, or null when none has been trained (the equations and triggers still run). */
export async function loadLatestModel(db: Database) {
  const stored = await latestModel(db, BP_MODEL_TARGET);
  return stored ? parseModelFile(stored, 'risk_model') : null;
}

export async function riskRoutes(app: FastifyInstance, options: RiskRoutesOptions): Promise<void> {
  const today = () => (options.clock ?? (() => new Date()))().toISOString().slice(0, 10);

  app.get('/api/indicators/risk', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const orgUnit = q.orgUnit ?? '';
    if (!ORG.test(orgUnit)) outcomes.fail('orgUnit must be an org-unit code of 6, 9 or 12 digits', 'orgUnit');
    const to = date(q.to, 'to', today());
    const from = date(q.from, 'from', `${Number(to.slice(0, 4)) - 1}${to.slice(4)}`);
    if (from > to) outcomes.fail('from must not be after to', 'from');
    const by = q.by ?? 'self';
    if (by !== 'self' && by !== 'town' && by !== 'village' && by !== 'team' && by !== 'model') outcomes.fail('by must be self, town, village, team or model', 'by');
    await options.authorizeOrgUnit(request, orgUnit);
    if (by === 'team') return { rows: await riskIndicators(options.db, { orgUnit, from, to, byTeam: true }) };
    if (by === 'model') return { rows: await riskIndicators(options.db, { orgUnit, from, to, byModel: true }) };
    const groupLength = by === 'self' ? orgUnit.length : LEVEL_LENGTH[by];
    if (groupLength < orgUnit.length) outcomes.fail(`by=${by} is above orgUnit ${orgUnit}`, 'by');
    return { rows: await riskIndicators(options.db, { orgUnit, from, to, groupLength }) };
  });

  app.post('/api/risk/assess', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const orgUnit = typeof body.orgUnit === 'string' ? body.orgUnit : '';
    if (!ORG.test(orgUnit)) outcomes.fail('orgUnit must be an org-unit code of 6, 9 or 12 digits', 'orgUnit');
    const asOf = date(typeof body.asOf === 'string' ? body.asOf : undefined, 'asOf', today());
    await options.authorizeOrgUnit(request, orgUnit);
    const ctx = await options.context(request);
    const model = await loadLatestModel(options.db);
    return assessResidents(options.store, ctx, { orgUnit, asOf, model });
  });

  app.get('/api/risk/model', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const model = await loadLatestModel(options.db);
    if (!model) throw new OperationOutcomeError(outcomes.notFoundOutcome('no model has been trained yet (healthy-brain risk train)'));
    await options.authorizeOrgUnit(request, q.orgUnit ?? model.orgUnit);
    return { id: model.id, target: model.target, method: model.method, asOfDates: model.asOfDates, strata: model.strata, data: model.data, test: model.test, trainAuc: model.trainAuc };
  });
}
