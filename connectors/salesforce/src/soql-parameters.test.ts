import { ConnectorError } from '@connectorkit/core';
import { describe, expect, it } from 'vitest';
import { soslTerm } from './actions/query.js';
import { bindSoql, soqlLiteral, soqlString } from './soql-parameters.js';

function rejection(run: () => unknown): ConnectorError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

describe('soqlString', () => {
  it.each([
    ["O'Brien", "'O\\'Brien'"],
    ['back\\slash', "'back\\\\slash'"],
    ["' OR Name != '", "'\\' OR Name != \\''"],
    ["\\' OR Name != \\'", "'\\\\\\' OR Name != \\\\\\''"],
    ['line\nbreak\ttab\rreturn', "'line\\nbreak\\ttab\\rreturn'"],
    ['say "hi"', '\'say \\"hi\\"\''],
    ['100% _sure_', "'100% _sure_'"],
  ])('%j → %s', (value, literal) => {
    expect(soqlString(value)).toBe(literal);
  });
});

describe('soqlLiteral', () => {
  it('writes numbers, booleans, null, dates and lists', () => {
    expect(soqlLiteral(42)).toBe('42');
    expect(soqlLiteral(-1.5)).toBe('-1.5');
    expect(soqlLiteral(1e21)).toBe('1000000000000000000000');
    expect(soqlLiteral(0.000001)).toBe('0.000001');
    expect(soqlLiteral(true)).toBe('true');
    expect(soqlLiteral(null)).toBe('null');
    expect(soqlLiteral({ date: '2026-02-28' })).toBe('2026-02-28');
    expect(soqlLiteral({ dateTime: '2026-01-01T10:30:00+02:00' })).toBe('2026-01-01T08:30:00Z');
    expect(soqlLiteral({ dateTime: '2026-01-01T10:30:00.250Z' })).toBe('2026-01-01T10:30:00.250Z');
    expect(soqlLiteral(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01T00:00:00Z');
    expect(soqlLiteral(['a', "b'c", 3])).toBe("('a','b\\'c',3)");
  });

  it('rejects what SOQL cannot hold, naming where', () => {
    expect(rejection(() => soqlLiteral(Number.NaN, '$.parameters.n'))).toMatchObject({
      code: 'INVALID_INPUT',
      path: '$.parameters.n',
    });
    expect(rejection(() => soqlLiteral([], '$.parameters.ids')).message).toMatch(/empty list/);
    expect(rejection(() => soqlLiteral({ date: '2026-02-30' }, '$.p')).path).toBe('$.p.date');
    expect(rejection(() => soqlLiteral({ date: "2026-01-01' OR Id != '" })).code).toBe('INVALID_INPUT');
    expect(rejection(() => soqlLiteral({ dateTime: 'yesterday' })).code).toBe('INVALID_INPUT');
    expect(rejection(() => soqlLiteral({ nested: { object: true } })).code).toBe('INVALID_INPUT');
  });
});

describe('bindSoql', () => {
  it('replaces each placeholder by the literal of its value', () => {
    expect(
      bindSoql('SELECT Id FROM Account WHERE Name = :name AND Industry IN :industries LIMIT :limit', {
        name: "O'Brien",
        industries: ['Energy', 'Media'],
        limit: 5,
      }),
    ).toBe("SELECT Id FROM Account WHERE Name = 'O\\'Brien' AND Industry IN ('Energy','Media') LIMIT 5");
  });

  it('keeps a hostile value inside its string literal', () => {
    const soql = bindSoql('SELECT Id FROM Account WHERE Name = :name', { name: "x' OR Name != 'y" });
    expect(soql).toBe("SELECT Id FROM Account WHERE Name = 'x\\' OR Name != \\'y'");
  });

  it('leaves placeholders inside string literals, date literals and LAST_N_DAYS:n alone', () => {
    expect(
      bindSoql(
        "SELECT Id FROM Account WHERE Name = ':name' AND Description = 'it\\'s :name' AND CreatedDate > 2026-01-01T00:00:00Z AND LastModifiedDate = LAST_N_DAYS:30 AND Industry = :industry",
        { industry: 'Energy' },
      ),
    ).toBe(
      "SELECT Id FROM Account WHERE Name = ':name' AND Description = 'it\\'s :name' AND CreatedDate > 2026-01-01T00:00:00Z AND LastModifiedDate = LAST_N_DAYS:30 AND Industry = 'Energy'",
    );
  });

  it('binds a parameter used twice', () => {
    expect(bindSoql('SELECT Id FROM Lead WHERE FirstName = :n OR LastName = :n', { n: 'Lee' })).toBe(
      "SELECT Id FROM Lead WHERE FirstName = 'Lee' OR LastName = 'Lee'",
    );
  });

  it('rejects a missing value and an unused one with INVALID_INPUT naming the parameter', () => {
    expect(rejection(() => bindSoql('SELECT Id FROM Account WHERE Name = :name', {}))).toMatchObject({
      code: 'INVALID_INPUT',
      path: '$.parameters.name',
    });
    const unused = rejection(() =>
      bindSoql('SELECT Id FROM Account WHERE Name = :name', { name: 'a', nmae: 'b' }),
    );
    expect(unused).toMatchObject({ code: 'INVALID_INPUT', path: '$.parameters.nmae' });
    expect(unused.message).toContain(':nmae');
  });

  it('rejects an unterminated string literal', () => {
    expect(rejection(() => bindSoql("SELECT Id FROM Account WHERE Name = 'open", {})).path).toBe('$.soql');
  });
});

describe('soslTerm', () => {
  it('escapes the characters SOSL reserves', () => {
    expect(soslTerm('Acme')).toBe('{Acme}');
    expect(soslTerm('a} RETURNING User(Id) FIND {b')).toBe('{a\\} RETURNING User\\(Id\\) FIND \\{b}');
    expect(soslTerm('O\'Brien & Co - "x" *')).toBe('{O\\\'Brien \\& Co \\- \\"x\\" \\*}');
  });
});
