/**
 * The one error model: FHIR OperationOutcome. Factories and the error class come from
 * @medplum/core (core/src/outcomes.ts); this file adds the few Healthy Brain needs besides.
 */
import { OperationOutcomeError, badRequest, getStatus } from '@medplum/core';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

export {
  OperationOutcomeError,
  allOk,
  badRequest,
  conflict,
  created,
  forbidden,
  getStatus,
  gone,
  notFound,
  preconditionFailed,
  unauthorized,
} from '@medplum/core';

/** An OperationOutcome carrying several issues (e.g. every validation error of a resource). */
export function invalid(issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/** Throws a 400 OperationOutcomeError naming what is wrong and where (FHIRPath). */
export function fail(details: string, expression?: string): never {
  throw new OperationOutcomeError(badRequest(details, expression));
}

/** 404 for an unknown resource type or id, with the details said. */
export function notFoundOutcome(details: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', details: { text: details } }] };
}

/** 405 for a method not allowed on the endpoint. */
export function notSupported(details: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported', details: { text: details } }] };
}

/** 500 body: says nothing about the cause (the cause is logged, not sent). */
export function internalError(): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'exception', details: { text: 'Internal server error' } }] };
}

const STATUS_BY_CODE: Record<string, number> = {
  'not-found': 404,
  deleted: 410,
  conflict: 409,
  duplicate: 409,
  'multiple-matches': 412,
  'not-supported': 405,
  'too-costly': 413,
  login: 401,
  forbidden: 403,
  security: 403,
  throttled: 429,
};

/** HTTP status for an OperationOutcome: Medplum's outcome ids first, then the first issue's code. */
export function statusOf(outcome: OperationOutcome): number {
  if (outcome.id) return getStatus(outcome);
  const issue = outcome.issue?.[0];
  if (issue?.code === 'exception' && issue.severity === 'fatal') return 500;
  return STATUS_BY_CODE[issue?.code ?? ''] ?? 400;
}

/** Prefixes every issue's expression, e.g. with `Bundle.entry[3].resource`, when reporting a bundle entry. */
export function withExpressionPrefix(outcome: OperationOutcome, prefix: string): OperationOutcome {
  return {
    ...outcome,
    issue: (outcome.issue ?? []).map((issue) => ({
      ...issue,
      expression: issue.expression?.length ? issue.expression.map((e) => `${prefix}.${e.replace(/^[A-Z][A-Za-z]+\.?/, '')}`.replace(/\.$/, '')) : [prefix],
    })),
  };
}
