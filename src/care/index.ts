/**
 * Public entry of smart medical care (issue 10): two-way referral (referral/), specialised-disease
 * centres (centres/). Mobile rounds and teleconsultation are to come beside them.
 */
export * from './referral/index.js';
export * from './centres/index.js';
export * from './rounds/index.js';
// Village-clinic visits, teleconsultation and the care indicators (issue 10).
export * from './teleconsult/index.js';
export * from './visits/index.js';
export * from './indicators/index.js';
