/**
 * Public entry of the access module (issue 8): users, roles, scopes compiled into SQL, tokens,
 * break-the-glass and the audit report. See docs/access.md.
 */
export { AccessService, unauthenticated, type AccessServiceOptions, type TokenResponse } from './access.service.js';
export { accessRoutes, type AccessRoutesOptions } from './access.routes.js';
export { auditEventRoutes, type AuditEventRoutesOptions } from './audit-event.routes.js';
export { toAuditEvent, type AuditLogRow } from './audit-event.js';
export { ROLES, ROLE_DEFINITIONS, REFERENCE_TYPES, isRole, isOrgUnitCode, type RoleName, type RoleDefinition } from './roles.js';
export { compileAccess, scopeTypes, type Grant, type Principal } from './scope.js';
export { CARE_RELATIONSHIP_ROLES, careGrantOrgUnits, loadCareResidents, grantCareRelationship, endCareRelationship, removeCareRelationships, careRelationshipsOf, withResources, type CareRelationship } from './care-relationship.js';
export { passwordProblem, hashPassword, verifyPassword } from './passwords.js';
export { OidcLogin, issuerProblem, linkOidcSubject, unlinkOidcSubject, type OidcOptions } from './oidc.js';
export { oidcRoutes } from './oidc.routes.js';
export { maskResidentId, maskPhone, maskResourceJson, MASKED_SECURITY } from './masking.js';
