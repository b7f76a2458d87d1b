import { ConnectorError, type Static, Type } from '@connectorkit/core';

/** A date or date-time, told apart from a plain string so that it is written as a SOQL date literal. */
export const SoqlDateValue = Type.Union([
  Type.Object(
    { date: Type.String({ description: 'A date, YYYY-MM-DD' }) },
    { additionalProperties: false, title: 'date' },
  ),
  Type.Object(
    { dateTime: Type.String({ description: 'An ISO 8601 date-time, e.g. 2026-01-01T09:30:00Z' }) },
    { additionalProperties: false, title: 'dateTime' },
  ),
]);

const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null(), SoqlDateValue]);

/** The value of one named parameter: a scalar, or a list for `IN :name` / `NOT IN :name`. */
export const SoqlParameterValue = Type.Union([Scalar, Type.Array(Scalar, { minItems: 1 })]);
export type SoqlParameterValue = Static<typeof SoqlParameterValue>;

/** Named parameters of a query (`:name` in the SOQL text). */
export const SoqlParameters = Type.Record(
  Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
  SoqlParameterValue,
  {
    description:
      'Values for the `:name` placeholders of the query: strings (escaped), numbers, booleans, null, `{ date }`, `{ dateTime }`, or a list of these for IN. A value is always data; it can never change the query.',
  },
);
export type SoqlParameters = Static<typeof SoqlParameters>;

const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_]/;

/**
 * Replaces each `:name` placeholder of `soql` outside string literals by the literal of
 * `parameters[name]`. A placeholder without a value, and a value without a placeholder, are
 * INVALID_INPUT errors naming the parameter: a typo must not silently run another query.
 *
 * @example
 * bindSoql('SELECT Id FROM Account WHERE Name = :name AND Industry IN :industries',
 *   { name: "O'Brien", industries: ['Energy', 'Media'] });
 * // SELECT Id FROM Account WHERE Name = 'O\'Brien' AND Industry IN ('Energy','Media')
 */
export function bindSoql(
  soql: string,
  parameters: Readonly<Record<string, unknown>> = {},
  path = '$.parameters',
): string {
  const used = new Set<string>();
  const result = bindPlaceholders(soql, parameters, path, used);
  rejectUnused(parameters, used, path);
  return result;
}

/**
 * Binds the placeholders of one SOQL fragment, adding each name used to `used`; a missing value
 * is an error, unused values are left for the caller to judge (see {@link rejectUnused}).
 */
export function bindPlaceholders(
  soql: string,
  parameters: Readonly<Record<string, unknown>>,
  path: string,
  used: Set<string>,
): string {
  let result = '';
  let index = 0;
  while (index < soql.length) {
    const char = soql[index] as string;
    if (char === "'") {
      const end = endOfString(soql, index);
      result += soql.slice(index, end);
      index = end;
      continue;
    }
    const previous = index === 0 ? '' : (soql[index - 1] as string);
    const next = soql[index + 1] ?? '';
    if (char === ':' && IDENTIFIER_START.test(next) && !IDENTIFIER_PART.test(previous)) {
      let end = index + 1;
      while (end < soql.length && IDENTIFIER_PART.test(soql[end] as string)) end++;
      const name = soql.slice(index + 1, end);
      if (!Object.hasOwn(parameters, name)) {
        throw invalid(
          `the query uses :${name} but \`parameters\` has no value for it — add \`${name}\` to parameters`,
          `${path}.${name}`,
        );
      }
      used.add(name);
      result += soqlLiteral(parameters[name], `${path}.${name}`);
      index = end;
      continue;
    }
    result += char;
    index++;
  }
  return result;
}

/** Rejects parameters no placeholder used: a misspelt placeholder must not run another query. */
export function rejectUnused(
  parameters: Readonly<Record<string, unknown>>,
  used: ReadonlySet<string>,
  path: string,
): void {
  const unused = Object.keys(parameters).filter((name) => !used.has(name));
  if (unused.length > 0) {
    throw invalid(
      `\`parameters\` has ${unused.map((name) => `'${name}'`).join(', ')} but the query has no ${unused.map((name) => `:${name}`).join(', ')} placeholder — remove it or use it in the query`,
      `${path}.${unused[0]}`,
    );
  }
}

/** The index just after the string literal starting at `start` (which holds its opening quote). */
function endOfString(soql: string, start: number): number {
  let index = start + 1;
  while (index < soql.length) {
    const char = soql[index];
    if (char === '\\') {
      index += 2;
      continue;
    }
    if (char === "'") return index + 1;
    index++;
  }
  throw invalid(`the query has an unterminated string literal starting at column ${start + 1}`, '$.soql');
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A SOQL string literal of `value`: quoted, with quotes, backslashes and control characters escaped. */
export function soqlString(value: string): string {
  return `'${value.replace(/[\\'"\n\r\t\b\f]/g, (char) => ESCAPES[char] ?? char)}'`;
}

/** The SOQL literal of one parameter value; a list becomes `('a','b')` for IN. */
export function soqlLiteral(value: unknown, path = '$'): string {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      throw invalid('an empty list cannot be used with IN — give at least one value', path);
    }
    return `(${value.map((item, position) => scalarLiteral(item, `${path}[${position}]`)).join(',')})`;
  }
  return scalarLiteral(value, path);
}

function scalarLiteral(value: unknown, path: string): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return soqlString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(`${String(value)} is not a number SOQL can hold`, path);
    return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
  }
  if (value instanceof Date) return dateTimeLiteral(value, path);
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length === 1 && typeof object.date === 'string') return dateLiteral(object.date, `${path}.date`);
    if (keys.length === 1 && typeof object.dateTime === 'string') {
      const time = ISO_DATE_TIME.test(object.dateTime) ? new Date(object.dateTime) : new Date(Number.NaN);
      return dateTimeLiteral(time, `${path}.dateTime`, object.dateTime);
    }
  }
  throw invalid(
    'a parameter value must be a string, number, boolean, null, { date }, { dateTime } or a list of these',
    path,
  );
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function dateLiteral(value: string, path: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const time =
    match === null ? Number.NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value) {
    throw invalid(`'${value}' is not a date — expected YYYY-MM-DD`, path);
  }
  return value;
}

/** A date-time in UTC, `YYYY-MM-DDThh:mm:ssZ`, with milliseconds only when there are some. */
export function dateTimeLiteral(time: Date, path = '$', shown: string = String(time)): string {
  if (Number.isNaN(time.getTime())) {
    throw invalid(`'${shown}' is not a date-time — expected ISO 8601, e.g. 2026-01-01T09:30:00Z`, path);
  }
  const iso = time.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

function invalid(message: string, path: string): ConnectorError {
  return new ConnectorError('INVALID_INPUT', message, { path, issues: [{ path, message }] });
}
