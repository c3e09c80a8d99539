/**
 * Demo accounts of `npm start` (serve --demo): on first start (no account yet) a district
 * administrator, a family doctor, a CDC epidemiologist and a data steward (MPI review queue) are created with the known passwords of
 * README "Demo accounts", printed once to stderr. Never use --demo for a real deployment.
 */
import { sql } from 'kysely';
import type { AccessService } from '../foundation/access/index.js';
import type { Database } from '../foundation/db/index.js';

export const DEMO_ACCOUNTS = {
  admin: { username: 'demo-admin', password: 'Bureau#2026-demo', role: 'district-admin' },
  doctor: { username: 'demo-doctor', password: 'Doctor#2026-demo', role: 'family-doctor' },
  cdc: { username: 'demo-cdc', password: 'Cdc#2026-demo', role: 'cdc-epidemiologist' },
  steward: { username: 'demo-steward', password: 'Steward#2026-demo', role: 'data-steward' },
} as const;

/** Creates the demo accounts when the database has none; returns the lines to print (empty when nothing was created). */
export async function ensureDemoAccounts(access: AccessService, db: Database): Promise<string[]> {
  if (!(await access.noUsers())) return [];
  // The family doctor works in the town of the first village that has residents (or the simulator's first town).
  const row = await sql<{ unit: string | null }>`SELECT min(org_unit) AS unit FROM fhir_resource WHERE resource_type = 'Patient' AND org_unit IS NOT NULL`.execute(db);
  const village = row.rows[0]?.unit ?? '330109001001';
  const district = village.slice(0, 6);
  const town = village.slice(0, 9);
  const { admin, doctor, cdc, steward } = DEMO_ACCOUNTS;
  await access.createUser({ username: admin.username, password: admin.password, role: admin.role, orgUnit: district, displayName: 'Demo district administrator' });
  await access.createUser({ username: doctor.username, password: doctor.password, role: doctor.role, orgUnit: town, displayName: 'Demo family doctor' });
  await access.createUser({ username: cdc.username, password: cdc.password, role: cdc.role, orgUnit: district, displayName: 'Demo CDC epidemiologist' });
  await access.createUser({ username: steward.username, password: steward.password, role: steward.role, orgUnit: district, displayName: 'Demo data steward' });
  return [
    'Demo accounts created (shown once; see README "Demo accounts"):',
    `  ${admin.username} / ${admin.password}  (district-admin, district ${district}: aggregates only)`,
    `  ${doctor.username} / ${doctor.password}  (family-doctor, town ${town})`,
    `  ${cdc.username} / ${cdc.password}  (cdc-epidemiologist, district ${district}: signals, case line lists)`,
    `  ${steward.username} / ${steward.password}  (data-steward, district ${district}: MPI review queue, merge/unmerge)`,
  ];
}
