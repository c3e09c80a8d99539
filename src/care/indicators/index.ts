/** Public entry of the care indicators (referrals, village visits, teleconsultations, centre volumes per month). */
export { CareIndicatorsService } from './care-indicators.js';
export { careIndicatorRoutes, type CareIndicatorRoutesOptions } from './care-indicators.routes.js';
