/** Public entry of the master patient index. */
export * from './pure/index.js';
