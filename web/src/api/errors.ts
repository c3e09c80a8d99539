/**
 * One error type for everything the API answers with a failure: the server speaks FHIR
 * OperationOutcome (DESIGN.md convention 3), so the UI shows its issues' text to the user.
 */
import type { OperationOutcome } from '@medplum/fhirtypes';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly outcome: OperationOutcome | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The human-readable lines of the outcome (details.text, diagnostics, expression). */
  get issues(): string[] {
    return (this.outcome?.issue ?? []).map((i) => {
      const text = i.details?.text ?? i.diagnostics ?? i.code;
      const where = i.expression?.length ? ` (${i.expression.join(', ')})` : '';
      return `${text}${where}`;
    });
  }
}

/** True for a body that looks like an OperationOutcome. */
export function isOperationOutcome(body: unknown): body is OperationOutcome {
  return typeof body === 'object' && body !== null && (body as { resourceType?: unknown }).resourceType === 'OperationOutcome';
}
