/** Public entry of two-way referral: state machine and SLA timers (pure), FHIR mapping, projector, routes. */
export * from './referral-state.js';
export * from './referral-sla.js';
export * from './facility-level.js';
export { REFERRAL_STATUS_SYSTEM, REFERRAL_TRANSITION_EXTENSION, REFERRAL_CATEGORY, readReferralTask, type ReferralTask, type TransitionEntry } from './referral-fhir.js';
export { referralMigration } from './migration.js';
export { referralProjector, createReferralProjector } from './projector.js';
export { ReferralService, referralView } from './referral.service.js';
export { referralRoutes, type ReferralRoutesOptions } from './referral.routes.js';
export { seedDemoReferrals, facilitiesOfType } from './referral-demo.js';
export { relationshipWindow, RELATIONSHIP_DAYS_AFTER_CLOSE } from './referral-relationship.js';
export { buildNotification, notificationText, COMMUNICATION_CATEGORY_SYSTEM } from './referral-notification.js';
// Shared with the village visits and teleconsultation beside this module (src/care/visits, src/care/teleconsult).
export { facilities, lockTask, type Prefixes } from './referral.repository.js';
export { facilityOf, type Facility, type NewReferral } from './referral-fhir.js';
export { worksIn, workPrefixes } from './referral-access.js';
export { conflict, type ReferralAccess } from './referral.service.js';
export { parseNewReferral } from './referral-input.js';
