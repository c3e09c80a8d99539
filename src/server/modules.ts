/**
 * The domain modules plugged into the foundation: their migrations (numbered after the
 * foundation's) and the projectors the store runs in every write transaction.
 */
import type { Migration } from 'kysely';
import type { Database } from '../foundation/db/index.js';
import { BufferedAuditWriter, FhirStore, type AuditSink, type Projector } from '../foundation/fhir/index.js';
import { createMpiProjector } from '../foundation/mpi/index.js';
import { chronicMigration, chronicProjector, chronicRegistryMigration, riskMigration, riskProjector } from '../healthmgmt/index.js';
import { caseProjector, surveillanceMigration } from '../publichealth/index.js';
import { centresMigration, centresProjector, referralMigration, referralProjector } from '../care/index.js';

export const DOMAIN_MIGRATIONS: Record<string, Migration> = {
  '0100-healthmgmt-chronic-projections': chronicMigration,
  '0101-healthmgmt-chronic-registry': chronicRegistryMigration,
  '0120-healthmgmt-risk-interventions': riskMigration,
  '0200-publichealth-surveillance': surveillanceMigration,
  '0300-care-referral': referralMigration,
  '0310-care-centres': centresMigration,
};

export const DOMAIN_PROJECTORS: Projector[] = [chronicProjector, caseProjector, riskProjector, referralProjector, centresProjector];

/**
 * The store with the foundation's projectors (the master patient index: real-time matching of every
 * Patient write) and every domain projector: the one way the server, the CLI and seeding open it.
 */
export function createStore(db: Database, options: { clock?: () => Date; audit?: AuditSink; projectors?: Projector[] } = {}): { store: FhirStore; audit: AuditSink } {
  const audit = options.audit ?? new BufferedAuditWriter(db);
  const projectors = options.projectors ?? [createMpiProjector({ clock: options.clock }), ...DOMAIN_PROJECTORS];
  return { store: new FhirStore({ db, audit, clock: options.clock, projectors }), audit };
}
