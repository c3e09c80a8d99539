/**
 * Public entry of smart medical care (issue 10): two-way referral (referral/), specialised-disease
 * centres (centres/). Mobile rounds and teleconsultation are to come beside them.
 */
export * from './referral/index.js';
export * from './centres/index.js';
