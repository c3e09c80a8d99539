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

/** HTTP status for an OperationOutcome; our own `not-supported` maps to 405. */
export function statusOf(outcome: OperationOutcome): number {
  const code = outcome.issue?.[0]?.code;
  if (code === 'not-supported') return 405;
  if (code === 'exception' && outcome.issue?.[0]?.severity === 'fatal') return 500;
  return getStatus(outcome);
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
