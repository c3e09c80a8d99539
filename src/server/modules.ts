/**
 * The domain modules plugged into the foundation: their migrations (numbered after the
 * foundation's) and the projectors the store runs in every write transaction.
 */
import type { Migration } from 'kysely';
import type { Database } from '../foundation/db/index.js';
import { BufferedAuditWriter, FhirStore, tokenTextMigration, type AuditSink, type Projector } from '../foundation/fhir/index.js';
import { createMpiProjector } from '../foundation/mpi/index.js';
import { chronicMigration, chronicProjector, chronicRegistryMigration, chronicRollupMigration, createChronicProjector, loadFollowUpRules, riskMigration, riskProjector, type FollowUpRules } from '../healthmgmt/index.js';
import { caseProjector, createCaseProjector, loadDiseaseList, surveillanceMigration, type DiseaseList } from '../publichealth/index.js';
import type { Config } from './config.js';
import { centresMigration, centresProjector, referralMigration, referralProjector, roundsMigration } from '../care/index.js';
import { teleconsultMigration, teleconsultProjector, visitsMigration, visitsProjector } from '../care/index.js';

export const DOMAIN_MIGRATIONS: Record<string, Migration> = {
  // The foundation's own, but it needs the FHIR indexer (the db layer's list cannot import it).
  '0013-fhir-token-text-rows': tokenTextMigration,
  '0100-healthmgmt-chronic-projections': chronicMigration,
  '0101-healthmgmt-chronic-registry': chronicRegistryMigration,
  '0102-healthmgmt-chronic-rollup-all-indicators': chronicRollupMigration,
  '0120-healthmgmt-risk-interventions': riskMigration,
  '0200-publichealth-surveillance': surveillanceMigration,
  '0300-care-referral': referralMigration,
  '0310-care-centres': centresMigration,
  '0320-care-rounds': roundsMigration,
  '0330-care-teleconsult': teleconsultMigration,
  '0331-care-visits': visitsMigration,
};

export const DOMAIN_PROJECTORS: Projector[] = [chronicProjector, caseProjector, riskProjector, referralProjector, centresProjector, teleconsultProjector, visitsProjector];

/**
 * The district's own rules named by the configuration — follow-up rules (HB_CHRONIC_RULES) and the
 * disease list (HB_SURVEILLANCE_DISEASES) — read and checked (a bad file throws one line naming it
 * and the field); unset ones stay undefined, i.e. the built-in ones.
 */
export function districtRules(config: Pick<Config, 'chronicRules' | 'surveillanceDiseases'>): { chronicRules?: FollowUpRules; diseases?: DiseaseList } {
  return {
    chronicRules: config.chronicRules ? loadFollowUpRules(config.chronicRules) : undefined,
    diseases: config.surveillanceDiseases ? loadDiseaseList(config.surveillanceDiseases) : undefined,
  };
}

/**
 * The store with the foundation's projectors (the master patient index: real-time matching of every
 * Patient write) and every domain projector: the one way the server, the CLI and seeding open it.
 */
export function createStore(
  db: Database,
  options: { clock?: () => Date; audit?: AuditSink; projectors?: Projector[]; chronicRules?: FollowUpRules; diseases?: DiseaseList; mpiBroadBlockSize?: number } = {},
): { store: FhirStore; audit: AuditSink } {
  const audit = options.audit ?? new BufferedAuditWriter(db);
  // A district's own follow-up rules (HB_CHRONIC_RULES) replace the national ones in the chronic-care projector.
  // A district's disease list (HB_SURVEILLANCE_DISEASES) replaces the built-in one in the case projector.
  const { chronicRules, diseases } = options;
  const domain = DOMAIN_PROJECTORS.map((p) =>
    p === chronicProjector && chronicRules ? createChronicProjector(chronicRules) : p === caseProjector && diseases ? createCaseProjector(diseases) : p,
  );
  const projectors = options.projectors ?? [createMpiProjector({ clock: options.clock, broadBlockSize: options.mpiBroadBlockSize }), ...domain];
  return { store: new FhirStore({ db, audit, clock: options.clock, projectors }), audit };
}
