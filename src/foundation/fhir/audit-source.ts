/**
 * Who is behind the current request, for the audit (issue 8): the roles of the signed-in principal
 * and the network address of the client. IHE BALP / DICOM PS3.15 A.5 audit messages carry both
 * (ActiveParticipant RoleIDCode and NetworkAccessPointID; FHIR R4 AuditEvent.agent.role and
 * agent.network.address). The server opens one source per request (AsyncLocalStorage), the access
 * module fills in the roles once the token is verified, and every audit row written while the
 * request runs is stamped with them, without each caller passing them along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface AuditSource {
  /** Client address (Fastify's request.ip: the socket, or X-Forwarded-For when the proxy is trusted). */
  address: string | null;
  /** Roles of the principal, comma-separated and sorted; null until authenticated. */
  roles: string | null;
}

const storage = new AsyncLocalStorage<AuditSource>();

/** Runs `fn` with `source` as the audit source of everything it starts. */
export function runWithAuditSource<T>(source: AuditSource, fn: () => T): T {
  return storage.run(source, fn);
}

/** The audit source of the running request, if any. */
export function currentAuditSource(): AuditSource | undefined {
  return storage.getStore();
}

/** Records the principal's roles on the running request's audit source (no-op outside a request). */
export function noteAuditRoles(roles: readonly string[]): void {
  const source = storage.getStore();
  if (source) source.roles = [...new Set(roles)].sort().join(',') || null;
}
