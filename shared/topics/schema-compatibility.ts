import type { JsonSchema } from '../model/topic-schema.js';

/** One reason a schema cannot read what another accepts: where (a JSON pointer into the schemas' instances) and what. */
export interface Incompatibility {
  pointer: string;
  message: string;
}

/**
 * Keywords the check understands. Anything else that differs between the two schemas at
 * the same place (allOf, anyOf, oneOf, not, $ref, if/then/else, patternProperties,
 * prefixItems, dependentRequired, …) cannot be proved compatible and counts as
 * incompatible (docs/schemas.md lists the subset).
 */
const SUPPORTED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'enum',
  'const',
  'items',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
]);
/** Annotations: they never change which values are valid (formats are not validated here either). */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'format', 'contentMediaType', 'contentEncoding']);
const ALL_TYPES = ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object'] as const;

type Obj = { [keyword: string]: unknown };

/**
 * Can `reader` read everything `writer` accepts, i.e. is every instance valid under
 * `writer` also valid under `reader`? Answers each place where it cannot (empty: it can).
 * Backward compatibility is `canRead(old, new)` with the new schema as reader; forward is
 * the other way round; full is both. Sound for the supported subset: it never calls a
 * change compatible that lets the reader reject a value the writer accepted. It may call
 * an exotic but harmless change incompatible (e.g. two different regex patterns that
 * happen to match the same strings).
 */
export function canRead(writer: JsonSchema, reader: JsonSchema, pointer = ''): Incompatibility[] {
  if (writer === false || deepEqual(withoutAnnotations(writer), withoutAnnotations(reader))) return [];
  if (reader === true || (typeof reader === 'object' && constraints(reader).length === 0)) return [];
  if (reader === false) return [{ pointer, message: 'accepts no value here' }];
  const w: Obj = writer === true ? {} : writer;
  const r: Obj = reader;
  const unknown = [...new Set([...constraints(w), ...constraints(r)])].filter((k) => !SUPPORTED.has(k));
  if (unknown.length > 0) {
    return [{ pointer, message: `uses ${unknown.map((k) => `'${k}'`).join(', ')}, which the compatibility check does not support, and the schemas differ here` }];
  }

  const problems: Incompatibility[] = [];
  const say = (message: string, at = pointer) => problems.push({ pointer: at, message });

  // A writer limited to listed values: each must be a value the reader accepts.
  const listed = 'const' in w ? [w.const] : Array.isArray(w.enum) ? w.enum : undefined;
  if (listed) {
    for (const value of listed) {
      const why = rejection(value, r);
      if (why) say(`rejects ${JSON.stringify(value)}, which the other schema allows (${why})`);
    }
    return problems;
  }
  if ('const' in r || Array.isArray(r.enum)) say('accepts only listed values (enum/const) where the other schema accepts any');

  const wTypes = typesOf(w);
  const rTypes = typesOf(r);
  const missing = wTypes.filter((t) => !rTypes.includes(t) && !(t === 'integer' && rTypes.includes('number')));
  if (missing.length > 0) say(`rejects type ${missing.map((t) => `'${t}'`).join(', ')}, which the other schema allows`);
  const both = (t: string) => wTypes.includes(t as never) && (rTypes.includes(t as never) || (t === 'integer' && rTypes.includes('number')));

  if (both('number') || both('integer')) {
    boundProblems(lowerBound(w), lowerBound(r), 'lower', say);
    boundProblems(upperBound(w), upperBound(r), 'upper', say);
    if (typeof r.multipleOf === 'number') {
      const m = w.multipleOf;
      if (typeof m !== 'number' || !isMultiple(m, r.multipleOf)) say(`requires a multiple of ${r.multipleOf}; the other schema ${typeof m === 'number' ? `requires only a multiple of ${m}` : 'does not'}`);
    }
  }
  if (both('string')) {
    minProblems(w.minLength, r.minLength, 'minLength', say);
    maxProblems(w.maxLength, r.maxLength, 'maxLength', say);
    if (r.pattern !== undefined && r.pattern !== w.pattern) say(`requires pattern ${JSON.stringify(r.pattern)}; the other schema ${w.pattern === undefined ? 'has none' : `has ${JSON.stringify(w.pattern)}`}`);
  }
  if (both('array')) {
    problems.push(...canRead(schemaAt(w.items), schemaAt(r.items), `${pointer}/items`));
    minProblems(w.minItems, r.minItems, 'minItems', say);
    maxProblems(w.maxItems, r.maxItems, 'maxItems', say);
    if (r.uniqueItems === true && w.uniqueItems !== true) say('requires unique items; the other schema allows duplicates');
  }
  if (both('object')) problems.push(...objectProblems(w, r, pointer));
  return problems;
}

function objectProblems(w: Obj, r: Obj, pointer: string): Incompatibility[] {
  const problems: Incompatibility[] = [];
  const wRequired = new Set(Array.isArray(w.required) ? (w.required as string[]) : []);
  for (const name of Array.isArray(r.required) ? (r.required as string[]) : []) {
    if (!wRequired.has(name)) problems.push({ pointer: `${pointer}/${escapePointer(name)}`, message: `requires property '${name}', which the other schema lets be absent` });
  }
  const wProps = (w.properties ?? {}) as Record<string, JsonSchema>;
  const rProps = (r.properties ?? {}) as Record<string, JsonSchema>;
  const wExtra = schemaAt(w.additionalProperties);
  const rExtra = schemaAt(r.additionalProperties);
  for (const name of new Set([...Object.keys(wProps), ...Object.keys(rProps)])) {
    const wp = wProps[name] ?? wExtra;
    const rp = rProps[name] ?? rExtra;
    const at = `${pointer}/${escapePointer(name)}`;
    if (rp === false && wp !== false) problems.push({ pointer: at, message: `does not allow property '${name}' (additionalProperties: false), which the other schema allows` });
    else if (wp === true && !(name in wProps) && canRead(wp, rp, at).length > 0) {
      // Confluent's PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: the other schema's data may hold anything under this name.
      problems.push({ pointer: at, message: `constrains property '${name}', which the other schema leaves open (additionalProperties), so its data may hold any value there` });
    } else problems.push(...canRead(wp, rp, at));
  }
  if (rExtra === false && wExtra !== false) problems.push({ pointer, message: 'allows no properties beyond those listed (additionalProperties: false); the other schema allows more' });
  else problems.push(...canRead(wExtra, rExtra, `${pointer}/<additional property>`));
  minProblems(w.minProperties, r.minProperties, 'minProperties', (m) => problems.push({ pointer, message: m }));
  maxProblems(w.maxProperties, r.maxProperties, 'maxProperties', (m) => problems.push({ pointer, message: m }));
  return problems;
}

/** Why the reader rejects one value, or undefined. Checks what a listed value can break. */
function rejection(value: unknown, r: Obj): string | undefined {
  if ('const' in r && !deepEqual(r.const, value)) return `const ${JSON.stringify(r.const)}`;
  if (Array.isArray(r.enum) && !r.enum.some((e) => deepEqual(e, value))) return 'not in its enum';
  const t = typeOfValue(value);
  const types = typesOf(r);
  if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) return `type '${t}'`;
  if (typeof value === 'number') {
    const lo = lowerBound(r);
    const hi = upperBound(r);
    if (lo && (value < lo.value || (lo.exclusive && value === lo.value))) return `below its ${lo.exclusive ? 'exclusiveMinimum' : 'minimum'} ${lo.value}`;
    if (hi && (value > hi.value || (hi.exclusive && value === hi.value))) return `above its ${hi.exclusive ? 'exclusiveMaximum' : 'maximum'} ${hi.value}`;
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof r.minLength === 'number' && length < r.minLength) return `shorter than minLength ${r.minLength}`;
    if (typeof r.maxLength === 'number' && length > r.maxLength) return `longer than maxLength ${r.maxLength}`;
    if (typeof r.pattern === 'string' && !new RegExp(r.pattern, 'u').test(value)) return `does not match pattern ${JSON.stringify(r.pattern)}`;
  }
  return undefined;
}

type Bound = { value: number; exclusive: boolean };

function lowerBound(s: Obj): Bound | undefined {
  const inclusive = typeof s.minimum === 'number' ? { value: s.minimum, exclusive: false } : undefined;
  const exclusive = typeof s.exclusiveMinimum === 'number' ? { value: s.exclusiveMinimum, exclusive: true } : undefined;
  if (!inclusive || !exclusive) return inclusive ?? exclusive;
  return exclusive.value >= inclusive.value ? exclusive : inclusive;
}

function upperBound(s: Obj): Bound | undefined {
  const inclusive = typeof s.maximum === 'number' ? { value: s.maximum, exclusive: false } : undefined;
  const exclusive = typeof s.exclusiveMaximum === 'number' ? { value: s.exclusiveMaximum, exclusive: true } : undefined;
  if (!inclusive || !exclusive) return inclusive ?? exclusive;
  return exclusive.value <= inclusive.value ? exclusive : inclusive;
}

/** The reader's bound must be no tighter than the writer's. */
function boundProblems(w: Bound | undefined, r: Bound | undefined, side: 'lower' | 'upper', say: (m: string) => void): void {
  if (!r) return;
  const inside = side === 'lower' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  if (w && (inside(w.value, r.value) || (w.value === r.value && (w.exclusive || !r.exclusive)))) return;
  const show = (b: Bound) => `${side === 'lower' ? (b.exclusive ? 'exclusiveMinimum' : 'minimum') : b.exclusive ? 'exclusiveMaximum' : 'maximum'} ${b.value}`;
  say(`has ${show(r)}; the other schema ${w ? `has only ${show(w)}` : `has no ${side} bound`}`);
}

function minProblems(w: unknown, r: unknown, keyword: string, say: (m: string) => void): void {
  if (typeof r === 'number' && r > 0 && !(typeof w === 'number' && w >= r)) say(`has ${keyword} ${r}; the other schema ${typeof w === 'number' ? `has ${w}` : 'has none'}`);
}

function maxProblems(w: unknown, r: unknown, keyword: string, say: (m: string) => void): void {
  if (typeof r === 'number' && !(typeof w === 'number' && w <= r)) say(`has ${keyword} ${r}; the other schema ${typeof w === 'number' ? `has ${w}` : 'has none'}`);
}

function isMultiple(m: number, of: number): boolean {
  const q = m / of;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

function typesOf(s: Obj): readonly (typeof ALL_TYPES)[number][] {
  if (typeof s.type === 'string') return [s.type as (typeof ALL_TYPES)[number]];
  if (Array.isArray(s.type)) return s.type as (typeof ALL_TYPES)[number][];
  return ALL_TYPES;
}

function typeOfValue(v: unknown): (typeof ALL_TYPES)[number] {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as 'boolean' | 'string' | 'object';
}

/** A subschema slot: absent means anything. */
const schemaAt = (s: unknown): JsonSchema => (s === undefined ? true : (s as JsonSchema));
const withoutAnnotations = (s: JsonSchema): JsonSchema => (typeof s === 'boolean' ? s : Object.fromEntries(Object.entries(s).filter(([k]) => !ANNOTATIONS.has(k))));
const constraints = (s: Obj) => Object.keys(s).filter((k) => !ANNOTATIONS.has(k));
const escapePointer = (name: string) => name.replaceAll('~', '~0').replaceAll('/', '~1');

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Obj)[k], (b as Obj)[k]));
}
