/** A protocol drug's name in the user's language with its ATC code; other codes as they are. */
import { useI18n } from '../../i18n';
import { drugKey } from '../workstation/drugs';

export function useDrugName(): (atc: string) => string {
  const { t } = useI18n();
  return (atc) => {
    const key = drugKey(atc);
    return key ? `${t(key)} (${atc})` : atc;
  };
}
