/** Reference data of the CDC console, fetched once per session: the disease list and the district tree. */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { loadDistrict, type District } from '../../api/org-units';
import type { DiseaseDefinition } from '../../api/surveillance';

export function useDiseases() {
  return useQuery({
    queryKey: ['cdc', 'diseases'],
    queryFn: async () => new Map<string, DiseaseDefinition>((await api.surveillanceDiseases()).diseases.map((d) => [d.key, d])),
    staleTime: Infinity,
  });
}

/** Same cache entry as the cockpit's. */
export function useDistrict() {
  return useQuery({ queryKey: ['district'], queryFn: loadDistrict, staleTime: Infinity });
}

/** Name of an org unit ("新塘村"), or its code while the tree is loading or when it is unknown. */
export function placeName(district: District | undefined, code: string): string {
  return district?.units.get(code)?.name ?? code;
}
