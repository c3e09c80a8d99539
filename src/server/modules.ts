/**
 * The domain modules plugged into the foundation: their migrations (numbered after the
 * foundation's) and the projectors the store runs in every write transaction.
 */
import type { Migration } from 'kysely';
import type { Projector } from '../foundation/fhir/index.js';
import { chronicMigration, chronicProjector } from '../healthmgmt/index.js';

export const DOMAIN_MIGRATIONS: Record<string, Migration> = {
  '0100-healthmgmt-chronic-projections': chronicMigration,
};

export const DOMAIN_PROJECTORS: Projector[] = [chronicProjector];
