/** Public entry of the server: configuration and app composition. */
export { loadConfig, type Config, type ConfigFlags } from './config.js';
export { buildApp, type App, type AppOptions } from './app.js';
export { securityFromConfig, type SecurityOptions } from './hardening.js';
export { openConfiguredDatabase } from './database.js';
export { PACKAGE_VERSION } from './version.js';
export { isEmpty, seedDemoDistrict } from './demo.js';
export { ensureDemoAccounts, DEMO_ACCOUNTS } from './demo-accounts.js';
export { createStore, districtRules, DOMAIN_MIGRATIONS, DOMAIN_PROJECTORS } from './modules.js';
