/** Public entry of digital health management: risk models, medication service, chronic care. */
export * from './risk/index.js';
export * from './medication/index.js';
export * from './chronic/index.js';
