/** Public entry of the chronic medication service: adherence engine, dispensing with stock, refill reminders. */
export * from './adherence.js';
export * from './dispense-csv.js';
export { medicationRoutes, type MedicationRoutesOptions } from './medication.routes.js';
export { dispensePrescription, parseDispense, type DispenseInput, type DispenseResult } from './dispense.service.js';
export { refillReminders, stockOf, type RefillRow, type StockRow } from './medication.repository.js';
