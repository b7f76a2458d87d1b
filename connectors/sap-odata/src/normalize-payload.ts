import { ConnectorError } from '@connectorkit/core';
import {
  type ODataVersion,
  type PropertyInfo,
  type ServiceMetadata,
  type StructuredTypeInfo,
  shortName,
  suggestion,
} from './service-metadata.js';

/** How Edm.Decimal and Edm.Int64 values are returned. */
export type PreciseNumbers = 'string' | 'number';

export interface NormalizeOptions {
  readonly metadata: ServiceMetadata;
  readonly version: ODataVersion;
  readonly preciseNumbers: PreciseNumbers;
}

/** A record as the connector returns it: plain properties, `@odata.etag` when the service sent one. */
export type Entity = Record<string, unknown>;

const V2_DATE = /^\/Date\((-?\d+)([-+]\d{4})?\)\/$/;
const V2_DURATION = /^-?P(?:\d+D)?T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/;
const ETAG = '@odata.etag';

/**
 * Turns an entity as the service sent it into the connector's uniform shape, the same for V2
 * and V4: V2's `__metadata` and `__deferred` dropped (the ETag kept as `@odata.etag`), expanded
 * `{ results: [...] }` unwrapped, `/Date(ms)/` as ISO text (a date-only `Edm.DateTime` as
 * `YYYY-MM-DD`), `PT1H2M3S` as `01:02:03`, doubles as numbers, decimals and 64-bit integers
 * as strings (or numbers, as configured). V4 control information other than the ETag is dropped.
 */
export function normalizeEntity(
  raw: unknown,
  type: StructuredTypeInfo | undefined,
  options: NormalizeOptions,
): Entity {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const result: Entity = {};
  const record = raw as Record<string, unknown>;
  for (const [name, value] of Object.entries(record)) {
    if (name === '__metadata') {
      const etag = (value as { etag?: unknown } | null)?.etag;
      if (typeof etag === 'string') result[ETAG] = etag;
      continue;
    }
    if (name === ETAG) {
      result[ETAG] = value;
      continue;
    }
    // Other V4 control information (`@odata.context`, `x@odata.navigationLink`, annotations).
    if (name.includes('@')) continue;
    if (isDeferred(value)) continue;
    const navigation = type?.navigation.get(name);
    if (navigation !== undefined) {
      const target = options.metadata.types.get(navigation.targetType);
      const items = unwrapResults(value);
      result[name] = Array.isArray(items)
        ? items.map((item) => normalizeEntity(item, target, options))
        : items === null
          ? null
          : normalizeEntity(items, target, options);
      continue;
    }
    const property = type?.properties.get(name);
    result[name] =
      property === undefined ? normalizeUntyped(value) : normalizeValue(value, property, options);
  }
  return result;
}

/** Converts one property value from its wire form. */
export function normalizeValue(
  value: unknown,
  property: Pick<PropertyInfo, 'type' | 'displayFormat'>,
  options: NormalizeOptions,
): unknown {
  if (value === null || value === undefined) return value ?? null;
  const collection = /^Collection\((.*)\)$/.exec(property.type);
  if (collection?.[1] !== undefined) {
    const items = unwrapResults(value);
    const itemType = collection[1];
    return Array.isArray(items)
      ? items.map((item) => normalizeValue(item, { type: itemType }, options))
      : items;
  }
  const complex = options.metadata.types.get(property.type);
  if (complex !== undefined) return normalizeEntity(value, complex, options);
  switch (property.type) {
    case 'Edm.DateTime': {
      const iso = fromV2Date(value);
      if (iso === undefined) return value;
      return property.displayFormat === 'Date' && iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
    }
    case 'Edm.DateTimeOffset':
      return fromV2Date(value) ?? value;
    case 'Edm.Time':
    case 'Edm.TimeOfDay':
      return typeof value === 'string' ? (fromV2Duration(value) ?? value) : value;
    case 'Edm.Decimal':
    case 'Edm.Int64':
      if (options.preciseNumbers === 'number') return typeof value === 'string' ? toNumber(value) : value;
      return typeof value === 'number' ? String(value) : value;
    case 'Edm.Double':
    case 'Edm.Single':
    case 'Edm.Int32':
    case 'Edm.Int16':
    case 'Edm.Byte':
    case 'Edm.SByte':
      return typeof value === 'string' ? toNumber(value) : value;
    default:
      return value;
  }
}

/** Values of unknown type: only V2 dates are recognisable by their form. */
function normalizeUntyped(value: unknown): unknown {
  if (typeof value === 'string') return fromV2Date(value) ?? value;
  return value;
}

function toNumber(text: string): number | string {
  const number = Number(text);
  // INF, NaN and values that do not survive the trip stay text.
  return Number.isFinite(number) && text.trim() !== '' ? number : text;
}

/** `/Date(1706781600000+0060)/` → `2024-02-01T10:00:00.000Z`; undefined for anything else. */
export function fromV2Date(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = V2_DATE.exec(value);
  if (match?.[1] === undefined) return undefined;
  // The milliseconds are UTC; the offset only says which zone the value was entered in.
  const date = new Date(Number(match[1]));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** `PT13H45M05S` → `13:45:05`; undefined when the text is not a time-of-day duration. */
export function fromV2Duration(value: string): string | undefined {
  const match = V2_DURATION.exec(value);
  if (match === null) return undefined;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  const [whole = '0', fraction] = seconds.split('.');
  return `${hours.padStart(2, '0')}:${minutes.padStart(2, '0')}:${whole.padStart(2, '0')}${fraction === undefined ? '' : `.${fraction}`}`;
}

function isDeferred(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    '__deferred' in value
  );
}

/** V2 wraps collections (`{ results: [...] }`); V4 does not. */
export function unwrapResults(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'results' in value) {
    const results = (value as { results: unknown }).results;
    if (Array.isArray(results)) return results;
  }
  return value;
}

/** The payload of a V2 JSON response (`{ d: … }`), or the body itself. */
export function unwrapV2(body: unknown): unknown {
  if (body !== null && typeof body === 'object' && 'd' in body) return (body as { d: unknown }).d;
  return body;
}

/**
 * Prepares an entity for a create or update: checks every property name against the entity
 * type (INVALID_INPUT naming the unknown one) and converts values to the wire form the version
 * expects (V2: `/Date(ms)/`, decimals and 64-bit integers as strings, `PT…` durations).
 * Navigation properties (deep inserts) are converted with their target type.
 */
export function toWireEntity(
  data: Readonly<Record<string, unknown>>,
  type: StructuredTypeInfo,
  options: Pick<NormalizeOptions, 'metadata' | 'version'>,
  path: string,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) {
    const at = `${path}.${name}`;
    if (name.includes('@') || name === '__metadata') {
      result[name] = value;
      continue;
    }
    const navigation = type.navigation.get(name);
    if (navigation !== undefined) {
      const target = options.metadata.types.get(navigation.targetType);
      if (target === undefined || value === null || typeof value !== 'object') {
        result[name] = value;
      } else if (Array.isArray(value)) {
        result[name] = value.map((item, index) =>
          item !== null && typeof item === 'object'
            ? toWireEntity(item as Record<string, unknown>, target, options, `${at}[${index}]`)
            : item,
        );
      } else {
        result[name] = toWireEntity(value as Record<string, unknown>, target, options, at);
      }
      continue;
    }
    const property = type.properties.get(name);
    if (property === undefined) {
      const known = [...type.properties.keys(), ...type.navigation.keys()];
      throw new ConnectorError(
        'INVALID_INPUT',
        `'${name}' is not a property of ${shortName(type.name)}${suggestion(name, known)} — its properties are: ${known.join(', ')}`,
        { path: at },
      );
    }
    result[name] = toWireValue(value, property, options, at);
  }
  return result;
}

function toWireValue(
  value: unknown,
  property: Pick<PropertyInfo, 'type'>,
  options: Pick<NormalizeOptions, 'metadata' | 'version'>,
  path: string,
): unknown {
  if (value === null || value === undefined) return value;
  const complex = options.metadata.types.get(property.type);
  if (complex !== undefined && typeof value === 'object' && !Array.isArray(value)) {
    return toWireEntity(value as Record<string, unknown>, complex, options, path);
  }
  const collection = /^Collection\((.*)\)$/.exec(property.type);
  if (collection?.[1] !== undefined && Array.isArray(value)) {
    const itemType = collection[1];
    const items = value.map((item, index) =>
      toWireValue(item, { type: itemType }, options, `${path}[${index}]`),
    );
    return options.version === 'v2' ? { results: items } : items;
  }
  if (options.version !== 'v2') return value;
  switch (property.type) {
    case 'Edm.DateTime':
    case 'Edm.DateTimeOffset': {
      if (typeof value === 'string' && V2_DATE.test(value)) return value;
      const time =
        typeof value === 'number'
          ? value
          : typeof value === 'string'
            ? Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
            : Number.NaN;
      if (Number.isNaN(time)) {
        throw new ConnectorError('INVALID_INPUT', `'${String(value)}' is not an ISO date or date-time`, {
          path,
        });
      }
      return property.type === 'Edm.DateTime' ? `/Date(${time})/` : `/Date(${time}+0000)/`;
    }
    case 'Edm.Decimal':
    case 'Edm.Int64':
      return typeof value === 'number' ? String(value) : value;
    case 'Edm.Time': {
      if (typeof value !== 'string') return value;
      const match = /^(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/.exec(value);
      return match === null ? value : `PT${match[1]}H${match[2]}M${match[3] ?? '00'}S`;
    }
    default:
      return value;
  }
}
