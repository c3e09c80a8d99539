/** Cockpit: indicator definitions and queries over the foundation's projections (DESIGN.md). */
export { cockpitRoutes, type CockpitRoutesOptions } from './cockpit.routes.js';
export { cockpitIndicators, last12Months, latestMonth, type CockpitQuery, type CockpitRow, type TrendPoint } from './cockpit.repository.js';
