/**
 * The SOQL evaluator of the Salesforce emulator: matches records against a parsed WHERE
 * condition and sorts them by ORDER BY, with Salesforce's comparison rules (text
 * case-insensitive, nulls only equal to null, ids in their 18-character form).
 */
import { isSalesforceId, toId18 } from './salesforce-state.js';
import { malformed, SoqlError } from './soql-lexer.js';
import type { SoqlCondition, SoqlLiteral, SoqlOrder } from './soql-parser.js';

/** Reads a (possibly dotted) field of a record; the caller resolves relationships. */
export type FieldReader = (record: Readonly<Record<string, unknown>>, field: string) => unknown;

/** The kind of value a field holds, for comparisons. */
export type FieldKind = 'text' | 'id' | 'number' | 'boolean' | 'date' | 'datetime';

/** Ids compare in their 18-character form, so that a 15-character id finds its record. */
function idForm(value: string): string {
  return isSalesforceId(value) ? toId18(value) : value;
}

function comparable(value: unknown, kind: FieldKind): number | string | boolean | null {
  if (value === null || value === undefined) return null;
  if (kind === 'id') return idForm(String(value));
  if (kind === 'datetime') return Date.parse(String(value));
  if (kind === 'number') return Number(value);
  if (kind === 'boolean') return value === true;
  return String(value);
}

function literalValue(
  literal: SoqlLiteral,
  kind: FieldKind,
  field: string,
): number | string | boolean | null {
  switch (literal.type) {
    case 'null':
      return null;
    case 'string':
      if (kind === 'number' || kind === 'boolean' || kind === 'datetime') {
        throw new SoqlError(
          'INVALID_FIELD',
          `value of filter criterion for field '${field}' must be of type ${kind} and should not be enclosed in quotes`,
        );
      }
      if (kind === 'id') return idForm(literal.value);
      // `\_` and `\%` only mean something to LIKE; elsewhere they are the plain characters.
      return literal.value.replace(/\\([_%])/g, '$1');
    case 'number':
      if (kind !== 'number') throw invalidLiteral(field, kind, 'a number');
      return literal.value;
    case 'boolean':
      if (kind !== 'boolean') throw invalidLiteral(field, kind, 'a boolean');
      return literal.value;
    case 'datetime':
      if (kind !== 'datetime') throw invalidLiteral(field, kind, 'a datetime');
      return literal.value;
    case 'date':
      if (kind !== 'date') throw invalidLiteral(field, kind, 'a date');
      return literal.value;
    case 'dateRange':
      throw new SoqlError(
        'MALFORMED_QUERY',
        `date literal ${literal.text} only compares with =, !=, <, <=, >, >=`,
      );
  }
}

function invalidLiteral(field: string, kind: FieldKind, given: string): SoqlError {
  return new SoqlError(
    'INVALID_FIELD',
    `value of filter criterion for field '${field}' must be of type ${kind}, not ${given}`,
  );
}

function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    if (char === '\\' && (pattern[index + 1] === '%' || pattern[index + 1] === '_')) {
      source += `\\${pattern[index + 1]}`;
      index++;
    } else if (char === '%') source += '.*';
    else if (char === '_') source += '.';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

function compare(left: number | string | boolean, right: number | string | boolean): number {
  if (typeof left === 'string' && typeof right === 'string') {
    const a = left.toLowerCase();
    const b = right.toLowerCase();
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * True when the record matches the condition. Comparisons of text are case-insensitive, as
 * in Salesforce; a null field matches only `= null` / `!= null`.
 */
export function matches(
  condition: SoqlCondition,
  record: Readonly<Record<string, unknown>>,
  read: FieldReader,
  kindOf: (field: string) => FieldKind,
): boolean {
  switch (condition.kind) {
    case 'and':
      return matches(condition.left, record, read, kindOf) && matches(condition.right, record, read, kindOf);
    case 'or':
      return matches(condition.left, record, read, kindOf) || matches(condition.right, record, read, kindOf);
    case 'not':
      return !matches(condition.operand, record, read, kindOf);
    case 'compare': {
      const kind = kindOf(condition.field);
      const actual = comparable(read(record, condition.field), kind);
      const { operator, value } = condition;
      if (Array.isArray(value)) {
        const found = value.some((literal) => {
          const expected = literalValue(literal, kind, condition.field);
          return actual !== null && expected !== null && compare(actual, expected) === 0;
        });
        return operator === 'IN' ? found : !found;
      }
      const literal = value as SoqlLiteral;
      if (literal.type === 'dateRange') {
        if (kind !== 'datetime' && kind !== 'date')
          throw invalidLiteral(condition.field, kind, 'a date literal');
        if (actual === null) return operator === '!=';
        const time = typeof actual === 'number' ? actual : Date.parse(`${actual}T00:00:00Z`);
        switch (operator) {
          case '=':
            return time >= literal.from && time < literal.to;
          case '!=':
            return time < literal.from || time >= literal.to;
          case '<':
            return time < literal.from;
          case '<=':
            return time < literal.to;
          case '>':
            return time >= literal.to;
          case '>=':
            return time >= literal.from;
          default:
            throw malformed(`${operator} does not apply to ${literal.text}`);
        }
      }
      if (operator === 'LIKE') {
        return (
          actual !== null && likeToRegExp(String((literal as { value: string }).value)).test(String(actual))
        );
      }
      const expected = literalValue(literal, kind, condition.field);
      if (expected === null || actual === null) {
        if (operator === '=') return expected === actual;
        if (operator === '!=') return expected !== actual;
        return false;
      }
      const order = compare(actual, expected);
      switch (operator) {
        case '=':
          return order === 0;
        case '!=':
          return order !== 0;
        case '<':
          return order < 0;
        case '<=':
          return order <= 0;
        case '>':
          return order > 0;
        case '>=':
          return order >= 0;
        default:
          return false;
      }
    }
  }
}

/** Sorts records by ORDER BY, stable. */
export function sortRecords<T extends Readonly<Record<string, unknown>>>(
  records: readonly T[],
  orderBy: readonly SoqlOrder[],
  read: FieldReader,
  kindOf: (field: string) => FieldKind,
): T[] {
  if (orderBy.length === 0) return [...records];
  return [...records].sort((a, b) => {
    for (const order of orderBy) {
      const kind = kindOf(order.field);
      const left = comparable(read(a, order.field), kind);
      const right = comparable(read(b, order.field), kind);
      if (left === null || right === null) {
        if (left === right) continue;
        const nullFirst = left === null ? -1 : 1;
        return order.nullsLast ? -nullFirst : nullFirst;
      }
      const result = compare(left, right);
      if (result !== 0) return order.descending ? -result : result;
    }
    return 0;
  });
}

/** Every field a condition names, for validation against the object's fields. */
export function conditionFields(condition: SoqlCondition | undefined): string[] {
  if (condition === undefined) return [];
  switch (condition.kind) {
    case 'and':
    case 'or':
      return [...conditionFields(condition.left), ...conditionFields(condition.right)];
    case 'not':
      return conditionFields(condition.operand);
    case 'compare':
      return [condition.field];
  }
}
