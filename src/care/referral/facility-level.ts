/**
 * Levels of care and the direction of a referral (pure). China's tiered care (分级诊疗,
 * State Council General Office Guiding Opinions 国办发〔2015〕70号): village clinics and township
 * health centres are primary care, the district (county) hospital and its specialised-disease
 * centres the next tier. Up = towards a higher level; down = back towards the village.
 */

/** Facility kinds of FACILITY_TYPE_SYSTEM and their level of care (1 = village). */
export const FACILITY_LEVELS: Readonly<Record<string, number>> = {
  'village-clinic': 1,
  'township-centre': 2,
  'district-hospital': 3,
  'specialised-centre': 3,
};

export type ReferralDirection = 'up' | 'down' | 'lateral';

/**
 * The level of a facility: from its facility-type code, else from the length of the org-unit code it
 * serves (GB/T 2260 district 6 digits, town 9, village 12); null when neither says.
 */
export function facilityLevel(type: string | null | undefined, orgUnit: string | null | undefined): number | null {
  if (type && FACILITY_LEVELS[type] !== undefined) return FACILITY_LEVELS[type];
  if (!orgUnit) return null;
  if (/^\d{12}$/.test(orgUnit)) return 1;
  if (/^\d{9}$/.test(orgUnit)) return 2;
  if (/^\d{6}$/.test(orgUnit)) return 3;
  return null;
}

/** Direction from the requester's level to the performer's: up, down, or lateral (same level). */
export function referralDirection(requesterLevel: number, performerLevel: number): ReferralDirection {
  if (performerLevel > requesterLevel) return 'up';
  if (performerLevel < requesterLevel) return 'down';
  return 'lateral';
}
