/** Public entry of the FHIR store module. */
export * from './conventions.js';
