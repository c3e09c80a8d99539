/** Public entry of the chronic medication service (adherence engine; more to come with issue 6). */
export * from './adherence.js';
export * from './dispense-csv.js';
