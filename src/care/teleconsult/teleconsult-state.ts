/**
 * The teleconsultation state machine (pure: no I/O, no clock). A village doctor asks a township or
 * district doctor a question about a patient (issue 10: "ask a township or district doctor"):
 *
 *   requested ─▶ answered   (by the consulted facility)
 *       ├──────▶ declined   (by the consulted facility, with a reason)
 *       └──────▶ cancelled  (by the asking facility)
 *
 * answered, declined and cancelled are final. FHIR Task.status follows (R4 §12.1 task state machine):
 * requested → completed | rejected | cancelled.
 */

export const TELECONSULT_STATES = ['requested', 'answered', 'declined', 'cancelled'] as const;
export type TeleconsultState = (typeof TELECONSULT_STATES)[number];

/** Who acts: the consulted facility (Task.owner) or the asking one (Task.requester). */
export type TeleconsultSide = 'consultant' | 'requester';

const NEXT: Record<TeleconsultState, Partial<Record<TeleconsultState, TeleconsultSide>>> = {
  requested: { answered: 'consultant', declined: 'consultant', cancelled: 'requester' },
  answered: {},
  declined: {},
  cancelled: {},
};

export function isTeleconsultState(value: unknown): value is TeleconsultState {
  return typeof value === 'string' && (TELECONSULT_STATES as readonly string[]).includes(value);
}

/** The states a teleconsultation in `from` may move to. */
export function teleconsultNext(from: TeleconsultState): TeleconsultState[] {
  return Object.keys(NEXT[from]) as TeleconsultState[];
}

export type TeleconsultCheck = { ok: true; side: TeleconsultSide } | { ok: false; reason: string };

/** Whether `from → to` is allowed and by which side, or why not (the text of the 409). */
export function checkTeleconsultTransition(from: TeleconsultState, to: TeleconsultState): TeleconsultCheck {
  const side = NEXT[from][to];
  if (side) return { ok: true, side };
  const allowed = teleconsultNext(from);
  const why = from === to ? `The teleconsultation is already ${from}` : `A ${from} teleconsultation cannot become ${to}`;
  return { ok: false, reason: `${why} (${allowed.length ? `allowed next: ${allowed.join(', ')}` : `${from} is final`})` };
}

/** FHIR Task.status of a business state (R4 task-status). */
export function teleconsultTaskStatus(state: TeleconsultState): 'requested' | 'completed' | 'rejected' | 'cancelled' {
  if (state === 'answered') return 'completed';
  if (state === 'declined') return 'rejected';
  return state;
}

/** Turnaround (request → answer) in minutes; null when not answered. */
export function turnaroundMinutes(requestedAt: Date, answeredAt: Date | null): number | null {
  return answeredAt ? Math.round((answeredAt.getTime() - requestedAt.getTime()) / 60_000) : null;
}

