/** The CapabilityStatement served at /fhir/metadata (FHIR R4 §2.40), built from what the store supports. */
import type { CapabilityStatement } from '@medplum/fhirtypes';
import { allResourceTypes, searchParametersOf } from './definitions.js';
import { INDEXED_TYPES } from './indexer.js';

let cached: CapabilityStatement | undefined;

/** CapabilityStatement of this server; `version` is the package version. */
export function capabilityStatement(version: string): CapabilityStatement {
  if (cached) return cached;
  const interaction = ['read', 'vread', 'update', 'delete', 'history-instance', 'history-type', 'create', 'search-type'].map((code) => ({ code })) as { code: 'read' }[];
  cached = {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'Healthy Brain', version },
    implementation: { description: 'Healthy Brain district health platform FHIR R4 server' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }],
        resource: allResourceTypes().map((type) => ({
          type,
          interaction,
          versioning: 'versioned',
          readHistory: true,
          updateCreate: true,
          conditionalCreate: true,
          conditionalUpdate: false,
          conditionalDelete: 'not-supported',
          referencePolicy: ['literal', 'enforced', 'local'],
          searchInclude: ['*'],
          searchRevInclude: ['*'],
          searchParam: Object.entries(searchParametersOf(type))
            .filter(([code, sp]) => code === '_id' || code === '_lastUpdated' || (INDEXED_TYPES as readonly string[]).includes(sp.type as string))
            .map(([code, sp]) => ({ name: code, definition: sp.url, type: sp.type })),
          // $match: the master patient index (src/foundation/mpi/mpi.routes.ts, FHIR R4 §8.1.18.4 / Patient-match).
          operation:
            type === 'Patient'
              ? [
                  { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
                  { name: 'match', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-match' },
                ]
              : undefined,
        })),
      },
    ],
  } as CapabilityStatement;
  return cached;
}
