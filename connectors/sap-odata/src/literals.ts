import { ConnectorError } from '@connectorkit/core';
import { type ODataVersion, type StructuredTypeInfo, shortName } from './service-metadata.js';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;
const FLOATING = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,12})?)?)(Z|[-+]\d{2}:\d{2})?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,12})?)?$/;
const DURATION_TIME = /^-?P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/;

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  'Edm.Byte': [0, 255],
  'Edm.SByte': [-128, 127],
  'Edm.Int16': [-32768, 32767],
  'Edm.Int32': [-2147483648, 2147483647],
};

/**
 * Formats a value as an OData URL literal for a property, parameter or key of `type`, in the
 * forms of the protocol version: `'O''Reilly'`, `guid'…'` (V2) or a bare guid (V4),
 * `datetime'…'`/`datetimeoffset'…'` (V2) or bare dates (V4), `12.5M` (V2) or `12.5` (V4).
 * The result is not URL-encoded. Throws INVALID_INPUT (at `path`) for a value that does not fit.
 */
export function formatLiteral(value: unknown, type: string, version: ODataVersion, path: string): string {
  if (value === null) return 'null';
  const wrong = (expected: string): never => {
    throw new ConnectorError(
      'INVALID_INPUT',
      `${describeValue(value)} is not a valid ${type} value — expected ${expected}`,
      { path },
    );
  };
  switch (type) {
    case 'Edm.String':
      if (typeof value === 'string') return quote(value);
      if (typeof value === 'number' || typeof value === 'boolean') return quote(String(value));
      return wrong('a string');
    case 'Edm.Guid': {
      if (typeof value !== 'string' || !GUID.test(value))
        return wrong('a GUID like 5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e01');
      return version === 'v2' ? `guid'${value}'` : value;
    }
    case 'Edm.Boolean':
      if (typeof value === 'boolean') return String(value);
      if (value === 'true' || value === 'false') return value;
      return wrong('true or false');
    case 'Edm.Byte':
    case 'Edm.SByte':
    case 'Edm.Int16':
    case 'Edm.Int32': {
      const text = integerText(value) ?? wrong('an integer');
      const [minimum, maximum] = INTEGER_RANGES[type] ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
      const number = Number(text);
      if (number < minimum || number > maximum) wrong(`an integer from ${minimum} to ${maximum}`);
      return text;
    }
    case 'Edm.Int64': {
      const text = integerText(value) ?? wrong('an integer (a string for values beyond 2^53)');
      return version === 'v2' ? `${text}L` : text;
    }
    case 'Edm.Decimal': {
      const text =
        numberText(value, DECIMAL) ?? wrong("a decimal number, as a number or a string like '12.50'");
      return version === 'v2' ? `${text}M` : text;
    }
    case 'Edm.Double':
    case 'Edm.Single': {
      const text = numberText(value, FLOATING) ?? wrong('a number');
      if (version === 'v4') return text;
      return `${text}${type === 'Edm.Double' ? 'd' : 'f'}`;
    }
    case 'Edm.DateTime': {
      // V2 only: a date and time without an offset, meant as UTC.
      const utc =
        toUtcDateTime(value) ?? wrong('an ISO date or date-time (2024-03-01 or 2024-03-01T10:00:00Z)');
      return version === 'v2' ? `datetime'${utc}'` : `${utc}Z`;
    }
    case 'Edm.DateTimeOffset': {
      const text =
        dateTimeOffsetText(value) ?? wrong('an ISO date-time with an offset (2024-03-01T10:00:00Z)');
      return version === 'v2' ? `datetimeoffset'${text}'` : text;
    }
    case 'Edm.Date': {
      const text = dateText(value) ?? wrong('an ISO date (2024-03-01)');
      return version === 'v2' ? `datetime'${text}T00:00:00'` : text;
    }
    case 'Edm.TimeOfDay':
    case 'Edm.Time': {
      const time = timeText(value) ?? wrong("a time of day like '13:45:00'");
      if (version === 'v4') return time.clock;
      return `time'${time.duration}'`;
    }
    case 'Edm.Binary': {
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) return wrong('base64 text');
      const bytes = Buffer.from(value, 'base64');
      return version === 'v2' ? `binary'${bytes.toString('hex')}'` : `binary'${bytes.toString('base64url')}'`;
    }
    default:
      if (!type.startsWith('Edm.') && typeof value === 'string') {
        // A V4 enumeration member: Namespace.Type'Member'.
        return version === 'v4' ? `${type}${quote(value)}` : quote(value);
      }
      return formatUntypedLiteral(value, path);
  }
}

/** A literal for a value whose type the metadata does not give: strings quoted, numbers bare. */
export function formatUntypedLiteral(value: unknown, path: string): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  throw new ConnectorError('INVALID_INPUT', `${describeValue(value)} cannot be written as an OData literal`, {
    path,
  });
}

/** `O'Reilly` → `'O''Reilly'`: a quote inside a string literal is doubled, so it stays data. */
export function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A key input: the value of a single key, or an object with every key property. */
export type KeyInput = string | number | boolean | Readonly<Record<string, unknown>>;

/**
 * The key predicate of an entity (`(1)`, `('P-001')`, `(order_ID=1,position=2)`), URL-encoded,
 * with literals of the right form. Throws INVALID_INPUT naming the key properties when the key
 * does not match the entity type.
 */
export function formatKeyPredicate(
  key: KeyInput,
  type: StructuredTypeInfo,
  version: ODataVersion,
  path = '$.key',
): string {
  const keys = type.keys;
  const entity = shortName(type.name);
  if (keys.length === 0) {
    throw new ConnectorError('UNSUPPORTED', `${entity} declares no key in the service's $metadata`, { path });
  }
  const literalOf = (name: string, value: unknown, at: string): string => {
    const property = type.properties.get(name);
    return encodeLiteral(formatLiteral(value, property?.type ?? 'Edm.String', version, at));
  };
  const keyList = keys.join(', ');
  if (typeof key !== 'object' || key === null) {
    const only = keys[0];
    if (keys.length !== 1 || only === undefined) {
      throw new ConnectorError(
        'INVALID_INPUT',
        `${entity} has a composite key (${keyList}): pass key as an object, e.g. { ${keys.map((name) => `${name}: …`).join(', ')} }`,
        { path },
      );
    }
    return `(${literalOf(only, key, path)})`;
  }
  const given = Object.keys(key);
  const unknown = given.filter((name) => !keys.includes(name));
  if (unknown.length > 0) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `${unknown.map((name) => `'${name}'`).join(', ')} ${unknown.length === 1 ? 'is not a key property' : 'are not key properties'} of ${entity} — its key is (${keyList})`,
      { path: `${path}.${unknown[0]}` },
    );
  }
  const missing = keys.filter((name) => !Object.hasOwn(key, name));
  if (missing.length > 0) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `the key of ${entity} needs ${missing.map((name) => `'${name}'`).join(', ')} — its key is (${keyList})`,
      { path },
    );
  }
  if (keys.length === 1 && keys[0] !== undefined) {
    return `(${literalOf(keys[0], key[keys[0]], `${path}.${keys[0]}`)})`;
  }
  return `(${keys.map((name) => `${name}=${literalOf(name, key[name], `${path}.${name}`)}`).join(',')})`;
}

/**
 * URL-encodes a literal for a path segment or query value. Quotes, parentheses and the
 * characters of typed-literal prefixes stay readable; everything else that could end the
 * segment or the query (`/ ? # & + %` and spaces) is encoded.
 */
export function encodeLiteral(literal: string): string {
  return encodeURIComponent(literal).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

function integerText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' && INTEGER.test(value)) return value.replace(/^\+/, '');
  return undefined;
}

function numberText(value: unknown, pattern: RegExp): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    const text = String(value);
    // 1e21 and 1e-7 print with an exponent, which a decimal literal may not have.
    return pattern === DECIMAL && /e/i.test(text) ? toPlainDecimal(value) : text;
  }
  if (typeof value === 'string' && pattern.test(value)) return value.replace(/^\+/, '');
  return undefined;
}

function toPlainDecimal(value: number): string | undefined {
  // toFixed switches to an exponent from 1e21 on; integers that large are exact as bigints.
  if (Number.isInteger(value)) return BigInt(value).toString();
  const text = value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
  return DECIMAL.test(text) ? text : undefined;
}

/** `2024-03-01T10:00:00+02:00` → `2024-03-01T08:00:00` (UTC, no offset) for V2 `datetime'…'`. */
function toUtcDateTime(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? isoWithoutZone(new Date(value)) : undefined;
  if (typeof value !== 'string') return undefined;
  if (DATE.test(value)) return `${value}T00:00:00`;
  const match = DATE_TIME.exec(value);
  if (match === null) return undefined;
  const [, date, time, zone] = match;
  if (zone === undefined || zone === 'Z') return `${date}T${withSeconds(time ?? '')}`;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : isoWithoutZone(new Date(parsed));
}

function dateTimeOffsetText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value).toISOString() : undefined;
  if (typeof value !== 'string') return undefined;
  if (DATE.test(value)) return `${value}T00:00:00Z`;
  const match = DATE_TIME.exec(value);
  if (match === null) return undefined;
  const [, date, time, zone] = match;
  return `${date}T${withSeconds(time ?? '')}${zone ?? 'Z'}`;
}

function dateText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (DATE.test(value)) return value;
  const match = DATE_TIME.exec(value);
  return match === null ? undefined : match[1];
}

function timeText(value: unknown): { clock: string; duration: string } | undefined {
  if (typeof value !== 'string') return undefined;
  if (DURATION_TIME.test(value) && value.includes('T')) {
    const hours = /(\d+)H/.exec(value)?.[1] ?? '0';
    const minutes = /(\d+)M/.exec(value.slice(value.indexOf('T')))?.[1] ?? '0';
    const seconds = /([\d.]+)S/.exec(value)?.[1] ?? '0';
    return {
      clock: `${hours.padStart(2, '0')}:${minutes.padStart(2, '0')}:${seconds.padStart(2, '0')}`,
      duration: value,
    };
  }
  const match = TIME.exec(value);
  if (match === null) return undefined;
  const [, hours = '00', minutes = '00', seconds = '00', fraction = ''] = match;
  return {
    clock: `${hours}:${minutes}:${seconds}${fraction}`,
    duration: `PT${hours}H${minutes}M${seconds}${fraction}S`,
  };
}

function withSeconds(time: string): string {
  return /^\d{2}:\d{2}$/.test(time) ? `${time}:00` : time;
}

function isoWithoutZone(date: Date): string | undefined {
  if (Number.isNaN(date.getTime())) return undefined;
  return date
    .toISOString()
    .replace(/\.000Z$/, '')
    .replace(/Z$/, '');
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 60)}…` : value}'`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
