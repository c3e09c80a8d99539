/**
 * Public entry of health-risk assessment: the pure models, the learned model's features and
 * training, the assessment job (RiskAssessment + Task), indicators and routes. See docs/risk-models.md.
 */
export * from './models/index.js';
export * from './codes.js';
export { FEATURE_NAMES, antihypertensiveCoverage, buildFeatures, eligibleForBpModel, inTestSet, isAntihypertensive, uncontrolledAtNextVisit, type FeatureName, type ResidentHistory, type RiskFactorKind } from './features.js';
export { BP_MODEL_TARGET, DEFAULT_STRATA, parseModelFile, stratumOf, type ModelQuality, type Strata, type TrainedModelFile } from './model-file.js';
export { planResident, type PlanOptions, type PlannedAssessment, type PlannedIntervention, type ResidentPlan } from './plan.js';
export { riskAssessmentResource, stableId, taskResource } from './fhir-resources.js';
export { riskMigration } from './migration.js';
export { riskProjector } from './projector.js';
export { residentHistories, saveModel, latestModel, blockedTasks } from './repository.js';
export { trainBpModel, SYNTHETIC_NOTE, type TrainOptions } from './train.js';
export { assessResidents, type AssessOptions, type AssessSummary } from './assess.js';
export { riskIndicators, type RiskIndicators } from './indicators.js';
export { EFFECT_DESIGN, EVENT_WINDOW_DAYS, PDC_WINDOW_DAYS, pdcBeforeAfter, type EventEffect, type InterventionEffect, type PdcEffect, type ReadingEffect } from './intervention-effect.js';
export { riskRoutes, loadLatestModel, type RiskRoutesOptions } from './routes.js';
export { EQUATIONS, scoreSubject, scoreSubjects, type EquationName, type EquationResult } from './subjects.js';
