/**
 * Which buttons a teleconsultation shows (pure): the server's own state machine
 * (src/care/teleconsult/teleconsult-state.ts, imported, not copied) filtered by the side the user
 * is on — the inbox is the consulted facility's (answer, decline), the outbox the asking one's
 * (cancel).
 */
import { checkTeleconsultTransition, teleconsultNext, type TeleconsultState } from '../../../../src/care/teleconsult/teleconsult-state';

export type TeleconsultAction = Exclude<TeleconsultState, 'requested'>;

export function allowedTeleconsultActions(state: TeleconsultState, box: 'inbox' | 'outbox'): TeleconsultAction[] {
  const side = box === 'inbox' ? 'consultant' : 'requester';
  return teleconsultNext(state).filter((to): to is TeleconsultAction => {
    const check = checkTeleconsultTransition(state, to);
    return check.ok && check.side === side;
  });
}

/** "1 h 35 min" style turnaround, or null. */
export function formatTurnaround(minutes: number | null): string | null {
  if (minutes === null) return null;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}
