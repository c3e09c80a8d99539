/**
 * The MPI's comparison vector: which fields of two matching records are compared and how —
 * the glue between comparators.ts and the model (mpi-model.ts).
 */
import {
  compareAddress,
  compareBirthDate,
  compareExact,
  compareGivenName,
  compareIdentifier,
  comparePhones,
  compareSurname,
  type Level,
} from './comparators.js';
import type { ComparisonSpec } from './fellegi-sunter.js';
import type { MatchRecord } from './patient-features.js';

/** The comparisons of the MPI, in vector order. */
export const MPI_COMPARISONS: readonly ComparisonSpec[] = [
  { name: 'residentId', levels: ['exact', 'close', 'disagree'] },
  { name: 'surname', levels: ['exact', 'close', 'disagree'] },
  { name: 'givenName', levels: ['exact', 'close', 'partial', 'disagree'] },
  { name: 'birthDate', levels: ['exact', 'close', 'partial', 'disagree'] },
  { name: 'sex', levels: ['exact', 'disagree'] },
  { name: 'phone', levels: ['exact', 'close', 'partial', 'disagree'] },
  { name: 'address', levels: ['exact', 'close', 'partial', 'disagree'] },
  { name: 'insurance', levels: ['exact', 'close', 'disagree'] },
];

/** Positions of the name comparisons (term-frequency adjusted). */
export const SURNAME = 1;
export const GIVEN_NAME = 2;

/** A compared pair: the vector and the surname value agreed on (for tf adjustment). */
export interface RecordComparison {
  vector: (number | null)[];
  tfValues: (string | undefined)[];
  /** Both records carry valid (or upgraded legacy) resident IDs, and they differ. */
  idConflict: boolean;
}

function idx(spec: ComparisonSpec, level: Level): number | null {
  if (level === 'missing') return null;
  const i = spec.levels.indexOf(level);
  // a level the spec does not list falls back to the nearest weaker one it does
  if (i >= 0) return i;
  const order: Level[] = ['exact', 'close', 'partial', 'disagree'];
  for (let j = order.indexOf(level) + 1; j < order.length; j++) {
    const k = spec.levels.indexOf(order[j]);
    if (k >= 0) return k;
  }
  return spec.levels.length - 1;
}

/** Key of a record's surname in the term-frequency table: characters, else 'py:' + pinyin. */
export function surnameKey(r: MatchRecord): string | undefined {
  if (r.name.familyChars) return r.name.familyChars;
  return r.name.familyPinyin ? `py:${r.name.familyPinyin}` : undefined;
}

/** The ID to compare: a valid one, or an invalid one only when it has the shape of a mistyped ID. */
/** Key of a record's given name in the term-frequency table: characters, else 'py:' + pinyin. */
export function givenNameKey(r: MatchRecord): string | undefined {
  if (r.name.givenChars) return r.name.givenChars;
  return r.name.givenPinyin ? `py:${r.name.givenPinyin}` : undefined;
}

const idValue = (r: MatchRecord): string | undefined =>
  r.residentId ?? (r.residentIdRaw && /^\d{17}[\dX]$/.test(r.residentIdRaw) ? r.residentIdRaw : undefined);

/**
 * Compare two matching records field by field.
 * A birth date or sex that was only read from the resident ID is treated as missing when both
 * records carry IDs, so the ID's evidence is not counted twice.
 */
export function compareRecords(a: MatchRecord, b: MatchRecord): RecordComparison {
  const levels: Level[] = [];
  levels.push(compareIdentifier(idValue(a), idValue(b)));
  const sameNameShape = Boolean(a.name.familyPinyin) === Boolean(b.name.familyPinyin);
  if (sameNameShape) {
    levels.push(compareSurname({ chars: a.name.familyChars, pinyin: a.name.familyPinyin }, { chars: b.name.familyChars, pinyin: b.name.familyPinyin }));
    levels.push(compareGivenName({ chars: a.name.givenChars, pinyin: a.name.givenPinyin }, { chars: b.name.givenChars, pinyin: b.name.givenPinyin }));
  } else {
    // one side has no surname split (minority or unparsed name): compare whole names only
    levels.push('missing');
    levels.push(compareGivenName({ chars: a.name.chars, pinyin: a.name.pinyin }, { chars: b.name.chars, pinyin: b.name.pinyin }));
  }
  const idsCompared = levels[0] !== 'missing';
  const derived = a.birthDateSource === 'resident-id' || b.birthDateSource === 'resident-id';
  levels.push(idsCompared && derived ? 'missing' : compareBirthDate(a.birthDate, b.birthDate));
  const sexKnown = (s?: string) => (s === 'male' || s === 'female' ? s : undefined);
  levels.push(compareExact(sexKnown(a.sex), sexKnown(b.sex)));
  levels.push(comparePhones(a.phones, b.phones));
  levels.push(compareAddress(a.addressTokens, b.addressTokens));
  levels.push(compareIdentifier(a.insuranceId, b.insuranceId));
  const vector = levels.map((l, k) => idx(MPI_COMPARISONS[k], l));
  const tfValues: (string | undefined)[] = new Array(MPI_COMPARISONS.length).fill(undefined);
  if (vector[SURNAME] === 0) tfValues[SURNAME] = surnameKey(a);
  if (vector[GIVEN_NAME] === 0) tfValues[GIVEN_NAME] = givenNameKey(a);
  const idConflict = Boolean(a.residentId && b.residentId && a.residentId !== b.residentId);
  return { vector, tfValues, idConflict };
}
