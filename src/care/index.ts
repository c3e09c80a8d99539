/**
 * Public entry of smart medical care (issue 10): two-way referral (referral/). Centres, mobile
 * rounds and teleconsultation are to come beside it.
 */
export * from './referral/index.js';
