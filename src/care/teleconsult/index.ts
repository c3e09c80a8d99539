/** Public entry of teleconsultation: state machine (pure), FHIR mapping, projector, service, routes. */
export * from './teleconsult-state.js';
export { TELECONSULT_STATUS_SYSTEM, TELECONSULT_CODE, readTeleconsultTask, type NewTeleconsult, type AttachmentInput } from './teleconsult-fhir.js';
export { parseNewTeleconsult, parseAttachments, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_TOTAL_BYTES } from './teleconsult-input.js';
export { teleconsultMigration } from './migration.js';
export { teleconsultProjector } from './projector.js';
export { TeleconsultService, teleconsultView } from './teleconsult.service.js';
export { teleconsultRoutes, type TeleconsultRoutesOptions } from './teleconsult.routes.js';
