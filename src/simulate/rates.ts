/**
 * Epidemiological and demographic rates of the simulated district. Every number has its source in a
 * comment and in docs/simulation.md; all can be overridden through `SimulationOptions.rates`.
 */

/** Upper bounds (exclusive) of the 5-year age groups 0–4 … 95–99 used by {@link AGE_WEIGHTS}. */
export const AGE_GROUP_WIDTH = 5;

/**
 * Relative size of each 5-year age group (0–4 … 95–99), shaped on Zhejiang's 7th national census
 * (2020, Zhejiang Provincial Bureau of Statistics bulletin no. 5, 2021-05): 0–14 13.45 %,
 * 15–59 67.86 %, 60+ 18.70 % (65+ 13.27 %). Within the broad groups the shape follows the 2020
 * national census tables (births 1962–1975 and 1985–1991 cohorts large, 2000s cohorts small).
 */
export const AGE_WEIGHTS: readonly number[] = [
  4.2, 4.8, 4.45, // 0–14: 13.45 %
  4.0, 4.6, 6.9, 9.0, 8.4, 7.5, 8.6, 9.6, 9.26, // 15–59: 67.86 %
  5.43, 5.0, 3.6, 2.2, 1.45, 0.7, 0.27, 0.05, // 60+: 18.70 % (65+: 13.27 %)
];

/**
 * Men per woman by age. Zhejiang 2020 census sex ratio 109.04 overall (migrant workers raise it in
 * working ages); women outnumber men among the oldest (higher male mortality).
 */
export function maleShare(age: number): number {
  if (age < 15) return 0.535; // sex ratio at birth ~113–115 for these cohorts
  if (age < 60) return 0.535;
  if (age < 75) return 0.5;
  if (age < 85) return 0.46;
  return 0.38;
}

/** Age-graded rate table: [minAge, rate] pairs, ascending; rate applies from minAge to the next entry. */
export type AgeTable = readonly (readonly [number, number])[];

/** Looks up an {@link AgeTable}. */
export function ageRate(table: AgeTable, age: number): number {
  let rate = 0;
  for (const [min, r] of table) if (age >= min) rate = r;
  return rate;
}

/** Every tunable rate of the simulator. */
export interface Rates {
  /** Target crude hypertension prevalence among adults (18+). */
  hypertensionAdult: number;
  /**
   * Age shape of hypertension prevalence: China Hypertension Survey 2012–2015 (Wang Z et al.,
   * Circulation 2018;137:2344–56, Table 2). Rescaled so that the adult mean hits `hypertensionAdult`.
   */
  hypertensionByAge: AgeTable;
  /** Awareness, treatment among aware, control among treated (Wang 2018: 46.9 %, 40.7 %, 15.3 % of all). */
  hypertensionAware: number;
  hypertensionTreatedIfAware: number;
  hypertensionControlledIfTreated: number;
  /** Target crude type 2 diabetes prevalence among adults. */
  diabetesAdult: number;
  /** Age shape: Li Y et al., BMJ 2020;369:m997 (China 2017, ADA criteria) Table 2. */
  diabetesByAge: AgeTable;
  /** Li 2020: awareness 36.7 %, treatment 32.9 % (of all), control 50.1 % of treated. */
  diabetesAware: number;
  diabetesTreatedIfAware: number;
  diabetesControlledIfTreated: number;
  /** Share of aware patients registered in the Basic Public Health Service programme (followed up). */
  registeredIfAware: number;
  /** Current smoking by sex, 15+: GATS China 2018 (men 50.5 %, women 2.1 %). */
  smokingMale: number;
  smokingFemale: number;
  /** COPD among 40+: Wang C et al., Lancet 2018;391:1706 (13.7 %); diagnosed share ~12 %. */
  copd40: number;
  copdAware: number;
  /** Family history of premature ASCVD / diabetes in first-degree relatives (assumption, China-PAR cohorts ~10 %). */
  familyHistoryCvd: number;
  familyHistoryDiabetes: number;
  /** Share of residents signed to a family-doctor team (Zhejiang reported ~40 % general, > 70 % key groups). */
  signedGeneral: number;
  signedKeyGroups: number;
  /** Outpatient primary-care visits per resident-year by age (only visits recorded in the platform). */
  outpatientByAge: AgeTable;
  /** BPHS annual health check coverage for residents 65+ (national target ≥ 70 %). */
  elderlyHealthCheck: number;
  /** Annual incidence per person by age: stroke (Wang W et al., Circulation 2017;135:759, 345/100k crude). */
  strokeByAge: AgeTable;
  /** Acute myocardial infarction incidence by age (China Cardiovascular Health and Disease Report 2022). */
  amiByAge: AgeTable;
  /** Cancer incidence by age (Han B et al., JNCC 2024;4:47, 2022: 341/100k crude). */
  cancerByAge: AgeTable;
  /** All-cause mortality by age (China life table 2020, WHO GHO; crude ~7.1/1000). */
  mortalityByAge: AgeTable;
  /** Share of residents with a second registration at another facility, and with a third. */
  duplicateRate: number;
  secondDuplicateRate: number;
}

/** The default rates (sources above and in docs/simulation.md). */
export const DEFAULT_RATES: Rates = {
  hypertensionAdult: 0.27,
  hypertensionByAge: [[18, 0.04], [25, 0.061], [35, 0.15], [45, 0.296], [55, 0.446], [65, 0.557], [75, 0.602]],
  hypertensionAware: 0.52,
  hypertensionTreatedIfAware: 0.85,
  hypertensionControlledIfTreated: 0.4,
  diabetesAdult: 0.12,
  diabetesByAge: [[18, 0.05], [30, 0.063], [40, 0.12], [50, 0.188], [60, 0.246], [70, 0.284]],
  diabetesAware: 0.4,
  diabetesTreatedIfAware: 0.88,
  diabetesControlledIfTreated: 0.5,
  registeredIfAware: 0.85,
  smokingMale: 0.505,
  smokingFemale: 0.021,
  copd40: 0.137,
  copdAware: 0.12,
  familyHistoryCvd: 0.1,
  familyHistoryDiabetes: 0.08,
  signedGeneral: 0.4,
  signedKeyGroups: 0.8,
  outpatientByAge: [[0, 2.6], [5, 1.4], [15, 0.9], [45, 1.3], [65, 2.4]],
  elderlyHealthCheck: 0.7,
  strokeByAge: [[0, 0], [35, 0.0003], [45, 0.0012], [55, 0.003], [65, 0.0065], [75, 0.012], [85, 0.018]],
  amiByAge: [[0, 0], [35, 0.0001], [45, 0.0003], [55, 0.0007], [65, 0.0014], [75, 0.0026], [85, 0.004]],
  cancerByAge: [[0, 0.00005], [20, 0.0002], [40, 0.0012], [50, 0.0032], [60, 0.0065], [70, 0.0095], [80, 0.011]],
  mortalityByAge: [
    [0, 0.0012], [5, 0.0002], [15, 0.0004], [25, 0.0006], [35, 0.0012], [45, 0.0028],
    [55, 0.0065], [65, 0.015], [75, 0.042], [85, 0.12], [95, 0.28],
  ],
  duplicateRate: 0.08,
  secondDuplicateRate: 0.015,
};

/**
 * Rescales an age table so that its mean over the given age weights (adults only) is `target`.
 * Used to hit the configured crude adult prevalence with the survey's age shape.
 */
export function calibrateAgeTable(table: AgeTable, target: number, minAge = 18): AgeTable {
  let num = 0;
  let den = 0;
  for (let g = 0; g < AGE_WEIGHTS.length; g++) {
    for (let a = g * AGE_GROUP_WIDTH; a < (g + 1) * AGE_GROUP_WIDTH; a++) {
      if (a < minAge) continue;
      num += (AGE_WEIGHTS[g] / AGE_GROUP_WIDTH) * ageRate(table, a);
      den += AGE_WEIGHTS[g] / AGE_GROUP_WIDTH;
    }
  }
  const k = num > 0 ? target / (num / den) : 1;
  return table.map(([min, r]) => [min, Math.min(0.95, r * k)] as const);
}
