/**
 * Protocol drugs a family doctor prescribes at a follow-up (WHO ATC codes; Chinese Guidelines for
 * Prevention and Treatment of Hypertension 2018; CDS type 2 diabetes guideline 2020) — the same list
 * as the simulator's (src/simulate/chronic-care.ts). Names are in the message catalogues (`drug.<ATC>`).
 */
import type { MessageKey } from '../../i18n';
import type { ChronicCondition } from '../../api/chronic';

export interface ProtocolDrug {
  atc: string;
  condition: ChronicCondition;
  /** Doses a day (the default of the prescription). */
  perDay: number;
}

export const PROTOCOL_DRUGS: readonly ProtocolDrug[] = [
  { atc: 'C08CA01', condition: 'hypertension', perDay: 1 },
  { atc: 'C08CA05', condition: 'hypertension', perDay: 2 },
  { atc: 'C09CA01', condition: 'hypertension', perDay: 1 },
  { atc: 'C09CA03', condition: 'hypertension', perDay: 1 },
  { atc: 'C09AA02', condition: 'hypertension', perDay: 1 },
  { atc: 'C03AA03', condition: 'hypertension', perDay: 1 },
  { atc: 'C07AB02', condition: 'hypertension', perDay: 2 },
  { atc: 'A10BA02', condition: 'diabetes', perDay: 3 },
  { atc: 'A10BB09', condition: 'diabetes', perDay: 1 },
  { atc: 'A10BF01', condition: 'diabetes', perDay: 3 },
];

/** Catalogue key of a drug's name, or undefined for a code not in the list. */
export function drugKey(atc: string): MessageKey | undefined {
  return PROTOCOL_DRUGS.some((d) => d.atc === atc) ? (`drug.${atc}` as MessageKey) : undefined;
}
