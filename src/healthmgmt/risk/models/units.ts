/** Shared unit conventions for the risk models: names carry units, conversions are explicit. */

export type Sex = 'male' | 'female';

/** Cholesterol: 1 mmol/L = 38.67 mg/dL (molar mass of cholesterol 386.65 g/mol), as the issue specifies. */
export const CHOLESTEROL_MGDL_PER_MMOLL = 38.67;

/** China-PAR's own conversion: mmol/L = mg/dL × 0.0259 (Yang et al., Circulation 2016, Methods). */
export const TC_MMOL_PER_MGDL_CHINA_PAR = 0.0259;

/** Cholesterol in mmol/L to mg/dL with the 38.67 factor. */
export function cholesterolMmolLToMgDl(mmolL: number): number {
  return mmolL * CHOLESTEROL_MGDL_PER_MMOLL;
}

/** Cholesterol in mg/dL to mmol/L with the 38.67 factor. */
export function cholesterolMgDlToMmolL(mgDl: number): number {
  return mgDl / CHOLESTEROL_MGDL_PER_MMOLL;
}
