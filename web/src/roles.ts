/**
 * Which workspaces each role sees (issue 8's roles). The first available workspace of a user's
 * roles is their home. On a server without login (before issue 8), everything is shown.
 */
export type Role =
  | 'village-doctor'
  | 'family-doctor'
  | 'clinician'
  | 'specialist'
  | 'pharmacist'
  | 'cdc-epidemiologist'
  | 'district-admin'
  | 'data-steward'
  | 'system-integrator';

export const ROLES: readonly Role[] = [
  'village-doctor',
  'family-doctor',
  'clinician',
  'specialist',
  'pharmacist',
  'cdc-epidemiologist',
  'district-admin',
  'data-steward',
  'system-integrator',
];

export type WorkspaceId = 'cockpit' | 'workstation' | 'cdc' | 'mpi' | 'dispense' | 'referrals' | 'centres' | 'rounds' | 'visits' | 'teleconsult';

export interface Workspace {
  id: WorkspaceId;
  /** Route; undefined while the workspace is not built yet. */
  path?: string;
  roles: readonly Role[];
}

export const WORKSPACES: readonly Workspace[] = [
  { id: 'workstation', path: '/workstation', roles: ['village-doctor', 'family-doctor', 'clinician', 'specialist'] },
  // Before the cockpit: the CDC lands on its console.
  { id: 'cdc', path: '/cdc', roles: ['cdc-epidemiologist'] },
  // Doctors see the cockpit of their own area (their grant's org unit); the bureau sees the district.
  { id: 'cockpit', path: '/cockpit', roles: ['district-admin', 'cdc-epidemiologist', 'village-doctor', 'family-doctor', 'clinician'] },
  { id: 'mpi', path: '/mpi', roles: ['data-steward'] },
  { id: 'dispense', path: '/dispense', roles: ['pharmacist'] },
  // Two-way referral and specialised-disease centres (issue 10): clinical roles; the bureau sees the centres' aggregates.
  { id: 'referrals', path: '/referrals', roles: ['village-doctor', 'family-doctor', 'clinician', 'specialist'] },
  { id: 'centres', path: '/centres', roles: ['village-doctor', 'family-doctor', 'clinician', 'specialist', 'district-admin'] },
  // Mobile doctors' round plan with offline capture (issue 10): the doctors who go to the villages.
  { id: 'rounds', path: '/rounds', roles: ['village-doctor', 'family-doctor', 'clinician'] },
  // Village-clinic visit capture and teleconsultation (issue 10): the village doctor asks, township and district doctors answer.
  { id: 'visits', path: '/visits', roles: ['village-doctor'] },
  { id: 'teleconsult', path: '/teleconsult', roles: ['village-doctor', 'family-doctor', 'clinician', 'specialist'] },
];

/** Workspaces visible to a user with `roles`; `null` = no login on this server: all built ones. */
export function workspacesFor(roles: readonly string[] | null): Workspace[] {
  if (roles === null) return WORKSPACES.filter((w) => w.path);
  return WORKSPACES.filter((w) => w.roles.some((r) => roles.includes(r)));
}

/** Home route of a user: their first built workspace, or the home page. */
export function homePathFor(roles: readonly string[] | null): string {
  return workspacesFor(roles).find((w) => w.path)?.path ?? '/home';
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
