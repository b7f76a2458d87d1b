import type { JsonSchema, JsonSchemaType } from './json-schema.js';

/** String formats recognised in samples, most specific first. */
const FORMATS: readonly (readonly [string, RegExp])[] = [
  ['date-time', /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/],
  ['date', /^\d{4}-\d{2}-\d{2}$/],
  ['time', /^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/],
  ['email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/],
  ['uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i],
  ['uri', /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i],
];

/** What was seen at one place across all samples. */
interface Observation {
  count: number;
  types: Set<JsonSchemaType>;
  formats: Set<string | undefined>;
  properties: Map<string, Observation>;
  /** How many of the objects seen had each property. */
  objects: number;
  items: Observation | undefined;
}

function observation(): Observation {
  return {
    count: 0,
    types: new Set(),
    formats: new Set(),
    properties: new Map(),
    objects: 0,
    items: undefined,
  };
}

function observe(target: Observation, value: unknown): void {
  target.count++;
  if (value === null) target.types.add('null');
  else if (Array.isArray(value)) {
    target.types.add('array');
    target.items ??= observation();
    for (const item of value) observe(target.items, item);
  } else if (typeof value === 'object') {
    target.types.add('object');
    target.objects++;
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      let property = target.properties.get(key);
      if (property === undefined) {
        property = observation();
        target.properties.set(key, property);
      }
      observe(property, inner);
    }
  } else if (typeof value === 'string') {
    target.types.add('string');
    target.formats.add(FORMATS.find(([, pattern]) => pattern.test(value))?.[0]);
  } else if (typeof value === 'number') target.types.add(Number.isInteger(value) ? 'integer' : 'number');
  else if (typeof value === 'boolean') target.types.add('boolean');
}

function toSchema(seen: Observation): JsonSchema {
  const types = new Set(seen.types);
  if (types.has('number')) types.delete('integer');
  const schema: JsonSchema = {};
  const list = [...types];
  if (list.length === 1) schema.type = list[0] as JsonSchemaType;
  else if (list.length > 1) schema.type = list;
  if (types.has('string') && seen.formats.size === 1) {
    const [format] = seen.formats;
    if (format !== undefined) schema.format = format;
  }
  if (types.has('object')) {
    schema.properties = {};
    const required: string[] = [];
    for (const [key, property] of seen.properties) {
      schema.properties[key] = toSchema(property);
      // A property is required when every object seen here carried it.
      if (property.count === seen.objects) required.push(key);
    }
    if (required.length > 0) schema.required = required;
  }
  if (types.has('array'))
    schema.items = seen.items === undefined || seen.items.count === 0 ? {} : toSchema(seen.items);
  return schema;
}

/**
 * Infers a JSON Schema (draft 2020-12) from sample messages: types, nested objects, arrays
 * (all items merged), optional fields (a property missing from some objects is not
 * required), nullable fields, and string formats (date-time, date, time, email, uuid, uri)
 * when every sample string at a place has the same format.
 *
 * @example
 * inferSchema([{ id: 1, at: '2024-05-01T10:00:00Z' }, { id: 2 }]);
 * // { type: 'object', properties: { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' } }, required: ['id'] }
 */
export function inferSchema(samples: readonly unknown[]): JsonSchema {
  const root = observation();
  for (const sample of samples) observe(root, sample);
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...toSchema(root) };
}
