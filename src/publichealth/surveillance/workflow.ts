/**
 * The CDC's signal workflow (pure): new → under investigation → confirmed outbreak | false alarm → closed,
 * as CIDARS' signal response (verification, field investigation, outcome; Yang W. et al. 2011,
 * WPSAR 2(1):10), and the response-time figure CIDARS reports (median time from signal to first
 * response, 1.1 h in Li Z. et al. 2014, Bull WHO 92:656; computed in signals.service.ts).
 */

export const SIGNAL_STATUSES = ['new', 'under-investigation', 'confirmed-outbreak', 'false-alarm', 'closed'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];

const NEXT: Record<SignalStatus, readonly SignalStatus[]> = {
  new: ['under-investigation'],
  'under-investigation': ['confirmed-outbreak', 'false-alarm'],
  'confirmed-outbreak': ['closed'],
  'false-alarm': ['closed'],
  closed: [],
};

export function isSignalStatus(s: unknown): s is SignalStatus {
  return typeof s === 'string' && (SIGNAL_STATUSES as readonly string[]).includes(s);
}

/** The statuses a signal may move to from `from`. */
export function nextStatuses(from: SignalStatus): readonly SignalStatus[] {
  return NEXT[from];
}

export function canTransition(from: SignalStatus, to: SignalStatus): boolean {
  return NEXT[from].includes(to);
}
