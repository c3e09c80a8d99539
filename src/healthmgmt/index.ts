/** Public entry of digital health management: risk models, medication service. */
export * from './risk/models/index.js';
export * from './medication/index.js';
