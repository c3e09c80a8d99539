/**
 * Protocol drugs a family doctor prescribes at a follow-up (WHO ATC codes; Chinese Guidelines for
 * Prevention and Treatment of Hypertension 2018; CDS type 2 diabetes guideline 2020): the server's one
 * list (src/healthmgmt/chronic/protocol-drugs.ts). Names are in the message catalogues (`drug.<ATC>`).
 */
import type { MessageKey } from '../../i18n';
import { PROTOCOL_DRUGS, type ProtocolDrug } from '../../../../src/healthmgmt/chronic/protocol-drugs';

export { PROTOCOL_DRUGS, type ProtocolDrug };

/** Catalogue key of a drug's name, or undefined for a code not in the list. */
export function drugKey(atc: string): MessageKey | undefined {
  return PROTOCOL_DRUGS.some((d) => d.atc === atc) ? (`drug.${atc}` as MessageKey) : undefined;
}
