/** Display helpers of the CDC console: disease names in the user's language, durations, dates. */
import type { DiseaseDefinition, SignalStatus } from '../../api/surveillance';
import type { Locale, MessageKey } from '../../i18n';

/**
 * The server names a disease "手足口病 hand, foot and mouth disease" (Chinese, then English): the part
 * in the user's language, or the whole name when it does not split that way.
 */
export function diseaseName(definition: DiseaseDefinition | undefined, key: string, locale: Locale): string {
  if (!definition) return key;
  const m = /^([^\sA-Za-z][^A-Za-z]*?)\s+([A-Za-z].*)$/.exec(definition.name.trim());
  if (!m) return definition.name;
  return locale === 'zh-CN' ? m[1] : m[2].charAt(0).toUpperCase() + m[2].slice(1);
}

export const statusKey = (s: SignalStatus): MessageKey => `cdc.status.${s}` as MessageKey;
/** Button label of a move to `s`. */
export const actionKey = (s: SignalStatus): MessageKey => `cdc.action.${s}` as MessageKey;

/** Minutes as "45 min", "3.5 h", "2.1 d" (message keys take `{n}`). */
export function durationParts(minutes: number): { key: MessageKey; n: number } {
  if (minutes < 60) return { key: 'cdc.minutes', n: Math.max(0, Math.round(minutes)) };
  if (minutes < 48 * 60) return { key: 'cdc.hours', n: Math.round(minutes / 6) / 10 };
  return { key: 'cdc.days', n: Math.round(minutes / 144) / 10 };
}

/** "2025-04-30 10:00" in the browser's time zone. */
export function dateTime(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
}

/** Days (YYYY-MM-DD) of a series starting `start`, one per day or per week. */
export function seriesDays(start: string, length: number, interval: 'day' | 'week'): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  const step = (interval === 'week' ? 7 : 1) * 86_400_000;
  return Array.from({ length }, (_, i) => new Date(t0 + i * step).toISOString().slice(0, 10));
}

/** A detection method's display name ("EARS C1", "GLR (负二项)"), or its key when the catalogue has none. */
export function methodLabel(t: (key: MessageKey) => string, method: string): string {
  const key = `cdc.method.${method}`;
  const label = t(key as MessageKey);
  return label === key ? method : label;
}
