/**
 * Public entry of case aggregation (pure): case reports → count series per disease × org unit × day/week.
 */
export * from './case-counts.js';
export * from './detection-scoring.js';
