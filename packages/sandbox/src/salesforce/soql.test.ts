import { describe, expect, it } from 'vitest';
import {
  type FieldKind,
  matches,
  parseSoql,
  type SoqlCondition,
  SoqlError,
  soqlString,
  sortRecords,
} from './soql.js';

function where(soql: string): SoqlCondition {
  const condition = parseSoql(`SELECT Id FROM Lead WHERE ${soql}`).where;
  if (condition === undefined) throw new Error('no WHERE');
  return condition;
}

function parseError(soql: string): SoqlError {
  try {
    parseSoql(soql);
  } catch (error) {
    if (error instanceof SoqlError) return error;
    throw error;
  }
  throw new Error(`'${soql}' parsed`);
}

const kinds: Readonly<Record<string, FieldKind>> = {
  Name: 'text',
  Amount: 'number',
  Active: 'boolean',
  CloseDate: 'date',
  CreatedDate: 'datetime',
};
const read = (record: Readonly<Record<string, unknown>>, field: string): unknown => record[field];
const kindOf = (field: string): FieldKind => kinds[field] ?? 'text';
const test = (condition: string, record: Record<string, unknown>): boolean =>
  matches(where(condition), record, read, kindOf);

describe('parseSoql', () => {
  it('reads fields, relationship paths, ORDER BY, LIMIT and OFFSET', () => {
    expect(
      parseSoql(
        'select Id, Account.Name FROM Contact where Name != null order by Account.Name desc nulls last, Id LIMIT 10 OFFSET 5',
      ),
    ).toEqual({
      fields: ['Id', 'Account.Name'],
      count: undefined,
      object: 'Contact',
      where: { kind: 'compare', field: 'Name', operator: '!=', value: { type: 'null' } },
      orderBy: [
        { field: 'Account.Name', descending: true, nullsLast: true },
        { field: 'Id', descending: false, nullsLast: false },
      ],
      limit: 10,
      offset: 5,
    });
  });

  it('sorts nulls first by default in both directions, as documented', () => {
    const query = parseSoql('SELECT Id FROM Lead ORDER BY Name DESC');
    expect(query.orderBy).toEqual([{ field: 'Name', descending: true, nullsLast: false }]);
  });

  it('reads COUNT() and COUNT(field)', () => {
    expect(parseSoql('SELECT COUNT() FROM Lead').count).toEqual({ field: undefined });
    expect(parseSoql('SELECT COUNT(Email) FROM Lead').count).toEqual({ field: 'Email' });
    expect(parseError('SELECT Id, COUNT() FROM Lead').errorCode).toBe('MALFORMED_QUERY');
  });

  it('unescapes string literals as Salesforce defines the escapes', () => {
    const value = (literal: string) => {
      const condition = where(`Name = ${literal}`);
      return condition.kind === 'compare' ? condition.value : undefined;
    };
    expect(value("'O\\'Brien'")).toEqual({ type: 'string', value: "O'Brien" });
    expect(value("'back\\\\slash'")).toEqual({ type: 'string', value: 'back\\slash' });
    expect(value("'a\\nb\\tc\\rd\\\"e'")).toEqual({ type: 'string', value: 'a\nb\tc\rd"e' });
    expect(value("'A\\NB'")).toEqual({ type: 'string', value: 'A\nB' });
    // \_ and \% stay escaped for LIKE.
    expect(value("'50\\%'")).toEqual({ type: 'string', value: '50\\%' });
  });

  it('keeps injection attempts inside the string literal', () => {
    const condition = where("Name = 'x\\' OR Name != \\''");
    expect(condition).toEqual({
      kind: 'compare',
      field: 'Name',
      operator: '=',
      value: { type: 'string', value: "x' OR Name != '" },
    });
    expect(test("Name = 'x\\' OR Name != \\''", { Name: 'someone else' })).toBe(false);
    expect(test("Name = 'x\\' OR Name != \\''", { Name: "x' OR Name != '" })).toBe(true);
    // An unescaped quote ends the literal and the rest is a syntax error, never a second condition.
    expect(parseError("SELECT Id FROM Lead WHERE Name = 'x' OR 1=1 --'").errorCode).toBe('MALFORMED_QUERY');
    expect(parseError("SELECT Id FROM Lead WHERE Name = 'x'; DELETE FROM Lead").message).toContain("';'");
  });

  it('reports malformed queries with the token and its column', () => {
    expect(parseError('SELECT Id FROM').message).toBe(
      'unexpected token: the end of the query at column 15, expected an sObject name',
    );
    expect(parseError('SELECT Id FROM Lead WHERE Name = ').message).toContain('expected a literal value');
    expect(parseError('SELECT Id FROM Lead WHERE Name ~ 1').message).toContain(
      "unexpected character '~' at column 32",
    );
    expect(parseError("SELECT Id FROM Lead WHERE Name = 'open").message).toContain(
      'unterminated string literal at column 34',
    );
    expect(parseError("SELECT Id FROM Lead WHERE Name = 'bad \\q escape'").message).toContain(
      "invalid escape sequence '\\q'",
    );
    expect(parseError('SELECT Id FROM Lead LIMIT 1.5').message).toContain(
      'LIMIT needs a non-negative integer',
    );
    expect(parseError('SELECT Id FROM Lead WHERE Name = :name').message).toContain(
      "unexpected character ':'",
    );
    expect(parseError('SELECT FROM Lead').message).toBe(
      "unexpected token: 'FROM' at column 8, expected a field name",
    );
    expect(parseError('SELECT Id FROM Lead WHERE (Name = 1').message).toContain("expected ')'");
  });
});

describe('matches', () => {
  it('compares text case-insensitively and with LIKE wildcards', () => {
    expect(test("Name = 'ACME'", { Name: 'acme' })).toBe(true);
    expect(test("Name LIKE 'ac%'", { Name: 'Acme Corp' })).toBe(true);
    expect(test("Name LIKE 'a_me'", { Name: 'acme' })).toBe(true);
    expect(test("Name LIKE 'a_me'", { Name: 'acmee' })).toBe(false);
    expect(test("Name LIKE '100\\%'", { Name: '100%' })).toBe(true);
    expect(test("Name LIKE '100\\%'", { Name: '1000' })).toBe(false);
    expect(test("Name LIKE '(a.*)'", { Name: '(a.*)' })).toBe(true);
    expect(test("Name LIKE '(a.*)'", { Name: '(abc)' })).toBe(false);
  });

  it('applies IN, NOT IN, AND, OR, NOT and parentheses', () => {
    const record = { Name: 'Acme', Amount: 50, Active: true };
    expect(test("Name IN ('Globex', 'acme')", record)).toBe(true);
    expect(test("Name NOT IN ('Globex', 'acme')", record)).toBe(false);
    expect(test("Name = 'Globex' OR Amount > 10 AND Active = true", record)).toBe(true);
    expect(test("(Name = 'Globex' OR Amount > 10) AND Active = false", record)).toBe(false);
    expect(test("NOT Name = 'Globex'", record)).toBe(true);
    expect(test('Amount >= 50 AND Amount <= 50 AND Amount != 49 AND Amount < 51', record)).toBe(true);
  });

  it('treats null only as equal to null', () => {
    expect(test('Name = null', { Name: null })).toBe(true);
    expect(test('Name != null', { Name: null })).toBe(false);
    expect(test("Name != 'x'", { Name: null })).toBe(true);
    expect(test('Amount > 1', { Amount: null })).toBe(false);
  });

  it('compares dates, datetimes and relative date literals', () => {
    const now = new Date().toISOString();
    expect(test('CloseDate > 2026-01-01', { CloseDate: '2026-02-01' })).toBe(true);
    expect(test('CreatedDate >= 2026-01-01T00:00:00Z', { CreatedDate: '2026-01-01T00:00:00.000+0000' })).toBe(
      true,
    );
    expect(
      test('CreatedDate < 2026-01-01T01:00:00+01:00', { CreatedDate: '2025-12-31T23:59:00.000+0000' }),
    ).toBe(true);
    expect(test('CreatedDate = TODAY', { CreatedDate: now })).toBe(true);
    expect(test('CreatedDate = LAST_N_DAYS:3', { CreatedDate: '2001-01-01T00:00:00Z' })).toBe(false);
    expect(test('CreatedDate < LAST_N_DAYS:3', { CreatedDate: '2001-01-01T00:00:00Z' })).toBe(true);
  });

  it('refuses literals of the wrong type, naming the field', () => {
    expect(() => test("Amount = '5'", { Amount: 5 })).toThrow(/field 'Amount' must be of type number/);
    expect(() => test("CreatedDate > '2026-01-01'", { CreatedDate: null })).toThrow(SoqlError);
    expect(() => test('Active = 1', { Active: true })).toThrow(/field 'Active'/);
  });
});

describe('sortRecords', () => {
  it('orders by several fields with NULLS FIRST / LAST', () => {
    const records = [
      { Name: 'b', Amount: 1 },
      { Name: null, Amount: 2 },
      { Name: 'a', Amount: 3 },
      { Name: 'B', Amount: 0 },
    ];
    const order = (soql: string) =>
      sortRecords(records, parseSoql(`SELECT Id FROM Lead ORDER BY ${soql}`).orderBy, read, kindOf).map(
        (record) => record.Amount,
      );
    expect(order('Name')).toEqual([2, 3, 1, 0]);
    expect(order('Name NULLS LAST, Amount DESC')).toEqual([3, 1, 0, 2]);
    expect(order('Name DESC, Amount')).toEqual([2, 0, 1, 3]);
  });
});

describe('soqlString', () => {
  it('quotes values so that they parse back to themselves', () => {
    for (const value of ["O'Brien", 'back\\slash', "x' OR Name != '", 'line\nbreak']) {
      const condition = where(`Name = ${soqlString(value)}`);
      expect(condition).toMatchObject({ value: { type: 'string', value } });
    }
  });
});
