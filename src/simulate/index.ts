/**
 * Public entry of the synthetic district simulator (issue 3). See docs/simulation.md.
 */
export { simulateDistrict, LOAD_ORDER, type SimulationSummary } from './simulate.js';
export { writeSimulationToDirectory } from './write.js';
export {
  resolveOptions,
  FULL_DISTRICT,
  type SimulationOptions,
  type SimulationSink,
  type ResolvedOptions,
  type DistrictShape,
  type ProgressCallback,
} from './options.js';
export { DEFAULT_RATES, type Rates } from './rates.js';
export { DISEASES, type DiseaseKey } from './infectious.js';
export { Rng, hashString } from './random.js';
