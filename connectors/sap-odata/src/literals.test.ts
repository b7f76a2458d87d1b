import { describe, expect, it } from 'vitest';
import { encodeLiteral, formatKeyPredicate, formatLiteral, quote } from './literals.js';
import type { StructuredTypeInfo } from './service-metadata.js';

describe('formatLiteral', () => {
  it.each([
    ['Edm.String', "O'Reilly", "'O''Reilly'", "'O''Reilly'"],
    [
      'Edm.String',
      "x' or 1 eq 1 or name eq '",
      "'x'' or 1 eq 1 or name eq '''",
      "'x'' or 1 eq 1 or name eq '''",
    ],
    ['Edm.String', 'say "hi" & 100%', `'say "hi" & 100%'`, `'say "hi" & 100%'`],
    ['Edm.String', 42, "'42'", "'42'"],
    [
      'Edm.Guid',
      '5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e01',
      "guid'5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e01'",
      '5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e01',
    ],
    ['Edm.Decimal', '12.50', '12.50M', '12.50'],
    ['Edm.Decimal', 12.5, '12.5M', '12.5'],
    ['Edm.Decimal', 1e21, '1000000000000000000000M', '1000000000000000000000'],
    ['Edm.Int64', '9007199254740993', '9007199254740993L', '9007199254740993'],
    ['Edm.Int32', -7, '-7', '-7'],
    ['Edm.Double', 1.5, '1.5d', '1.5'],
    ['Edm.Single', '2.5e3', '2.5e3f', '2.5e3'],
    ['Edm.Boolean', true, 'true', 'true'],
    ['Edm.DateTime', '2024-03-01T10:00:00Z', "datetime'2024-03-01T10:00:00'", '2024-03-01T10:00:00Z'],
    ['Edm.DateTime', '2024-03-01T12:00:00+02:00', "datetime'2024-03-01T10:00:00'", '2024-03-01T10:00:00Z'],
    ['Edm.DateTime', '2024-03-01', "datetime'2024-03-01T00:00:00'", '2024-03-01T00:00:00Z'],
    [
      'Edm.DateTimeOffset',
      '2024-03-01T10:00:00.1234567Z',
      "datetimeoffset'2024-03-01T10:00:00.1234567Z'",
      '2024-03-01T10:00:00.1234567Z',
    ],
    [
      'Edm.DateTimeOffset',
      '2024-03-01T10:00+02:00',
      "datetimeoffset'2024-03-01T10:00:00+02:00'",
      '2024-03-01T10:00:00+02:00',
    ],
    ['Edm.DateTimeOffset', 0, "datetimeoffset'1970-01-01T00:00:00.000Z'", '1970-01-01T00:00:00.000Z'],
    ['Edm.Date', '2024-03-01', "datetime'2024-03-01T00:00:00'", '2024-03-01'],
    ['Edm.TimeOfDay', '13:45:05', "time'PT13H45M05S'", '13:45:05'],
    ['Edm.Time', 'PT13H45M', "time'PT13H45M'", '13:45:00'],
    ['Edm.Binary', 'AQID', "binary'010203'", "binary'AQID'"],
    ['com.example.Color', 'Red', "'Red'", "com.example.Color'Red'"],
    ['Edm.String', null, 'null', 'null'],
  ])('%s %j → V2 %s, V4 %s', (type, value, v2, v4) => {
    expect(formatLiteral(value, type, 'v2', '$.value')).toBe(v2);
    expect(formatLiteral(value, type, 'v4', '$.value')).toBe(v4);
  });

  it.each([
    ['Edm.Guid', 'not-a-guid', /not a valid Edm.Guid value — expected a GUID/],
    ['Edm.Guid', "x' or '1'='1", /not a valid Edm.Guid value/],
    ['Edm.Int32', 2 ** 31, /an integer from -2147483648 to 2147483647/],
    ['Edm.Int32', '1 or 1 eq 1', /not a valid Edm.Int32 value/],
    ['Edm.Decimal', '12,5', /a decimal number/],
    ['Edm.Decimal', '1 or true', /a decimal number/],
    ['Edm.DateTimeOffset', 'yesterday', /an ISO date-time/],
    ['Edm.Date', "2024-01-01' or '", /an ISO date/],
    ['Edm.Boolean', 'yes', /true or false/],
    ['Edm.String', { nested: true }, /an object is not a valid Edm.String value/],
  ])('refuses %s %j with INVALID_INPUT', (type, value, message) => {
    expect(() => formatLiteral(value, type, 'v4', '$.filter.value')).toThrow(message);
    try {
      formatLiteral(value, type, 'v2', '$.filter.value');
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_INPUT', path: '$.filter.value' });
    }
  });

  it('doubles quotes so that a value can never close its literal', () => {
    expect(quote("''")).toBe("''''''");
    expect(quote('')).toBe("''");
  });

  it('URL-encodes what could end a path segment or a query option, and keeps quotes readable', () => {
    expect(encodeLiteral("'a b/c?d#e&f+g%h'")).toBe("'a%20b%2Fc%3Fd%23e%26f%2Bg%25h'");
    expect(encodeLiteral("datetimeoffset'2024-01-01T00:00:00+01:00'")).toBe(
      "datetimeoffset'2024-01-01T00:00:00%2B01:00'",
    );
  });
});

describe('formatKeyPredicate', () => {
  const type = (keys: string[], types: Record<string, string>): StructuredTypeInfo => ({
    name: 'ns.Things',
    kind: 'entity',
    keys,
    properties: new Map(
      Object.entries(types).map(([name, propertyType]) => [
        name,
        { name, type: propertyType, nullable: false },
      ]),
    ),
    navigation: new Map(),
  });
  const single = type(['ID'], { ID: 'Edm.Guid' });
  const composite = type(['order_ID', 'position'], { order_ID: 'Edm.Int32', position: 'Edm.Int32' });
  const text = type(['code'], { code: 'Edm.String' });

  it('writes single, composite and string keys in the version forms', () => {
    const guid = '5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e01';
    expect(formatKeyPredicate(guid, single, 'v2')).toBe(`(guid'${guid}')`);
    expect(formatKeyPredicate({ ID: guid }, single, 'v4')).toBe(`(${guid})`);
    expect(formatKeyPredicate({ position: 2, order_ID: 1 }, composite, 'v4')).toBe('(order_ID=1,position=2)');
    expect(formatKeyPredicate("O'Neil/1", text, 'v4')).toBe("('O''Neil%2F1')");
  });

  it('explains a key that does not fit the entity type', () => {
    expect(() => formatKeyPredicate(1, composite, 'v4')).toThrow(
      'Things has a composite key (order_ID, position): pass key as an object, e.g. { order_ID: …, position: … }',
    );
    expect(() => formatKeyPredicate({ order_ID: 1 }, composite, 'v4')).toThrow(
      "the key of Things needs 'position' — its key is (order_ID, position)",
    );
    expect(() => formatKeyPredicate({ order_ID: 1, position: 2, line: 3 }, composite, 'v4')).toThrow(
      "'line' is not a key property of Things — its key is (order_ID, position)",
    );
  });
});
