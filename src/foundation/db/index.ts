/** Public entry of the database layer. */
export { openDatabase, type DatabaseTarget, type OpenDatabase } from './connection.js';
export { migrateToLatest, migrationList } from './migrate.js';
export { execStatements } from './exec-statements.js';
export { insertRows, replaceRows } from './replace-rows.js';
export type * from './schema.js';
