import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildFilter, encodeQueryValue, type ODataFilter } from './filter.js';
import { type ODataVersion, parseMetadata, typeOf } from './service-metadata.js';

const metadata = {
  v2: parseMetadata(readFileSync(new URL('./test-fixtures/sales-v2.xml', import.meta.url), 'utf8')),
  v4: parseMetadata(readFileSync(new URL('./test-fixtures/sales-v4.xml', import.meta.url), 'utf8')),
};
const build = (filter: ODataFilter, version: ODataVersion, type = 'SalesService.Orders'): string =>
  buildFilter(filter, { metadata: metadata[version], version, type: typeOf(metadata[version], type) });

describe('buildFilter', () => {
  it.each<[string, ODataFilter, string, string]>([
    [
      'a string with a quote',
      { property: 'note', value: "O'Reilly's" },
      "note eq 'O''Reilly''s'",
      "note eq 'O''Reilly''s'",
    ],
    [
      'an injection attempt, kept a value',
      { property: 'status', value: "open' or status ne '" },
      "status eq 'open'' or status ne '''",
      "status eq 'open'' or status ne '''",
    ],
    [
      'a guid',
      { property: 'customer_ID', value: '5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e01' },
      "customer_ID eq guid'5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e01'",
      'customer_ID eq 5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e01',
    ],
    ['a decimal', { property: 'total', operator: 'ge', value: '12.5' }, 'total ge 12.5M', 'total ge 12.5'],
    [
      'a date-time offset',
      { property: 'orderedAt', operator: 'lt', value: '2024-03-01T00:00:00Z' },
      "orderedAt lt datetimeoffset'2024-03-01T00:00:00Z'",
      'orderedAt lt 2024-03-01T00:00:00Z',
    ],
    ['null', { property: 'note', operator: 'ne', value: null }, 'note ne null', 'note ne null'],
    [
      'in (a disjunction in V2)',
      { property: 'ID', operator: 'in', value: [1, 2] },
      '(ID eq 1 or ID eq 2)',
      'ID in (1,2)',
    ],
    [
      'contains (substringof in V2)',
      { property: 'note', operator: 'contains', value: "it's" },
      "substringof('it''s',note) eq true",
      "contains(note,'it''s')",
    ],
    [
      'startswith',
      { property: 'status', operator: 'startswith', value: 'o' },
      "startswith(status,'o') eq true",
      "startswith(status,'o')",
    ],
    [
      'a path through a to-one navigation',
      { property: 'customer/name', value: "Tim O'Reilly" },
      "customer/name eq 'Tim O''Reilly'",
      "customer/name eq 'Tim O''Reilly'",
    ],
    [
      'and, or and not',
      {
        and: [
          { property: 'status', value: 'open' },
          {
            or: [
              { property: 'total', operator: 'gt', value: 100 },
              { not: { property: 'currency', value: 'EUR' } },
            ],
          },
        ],
      },
      "(status eq 'open' and (total gt 100M or not (currency eq 'EUR')))",
      "(status eq 'open' and (total gt 100 or not (currency eq 'EUR')))",
    ],
  ])('%s', (_name, filter, v2, v4) => {
    expect(build(filter, 'v2')).toBe(v2);
    expect(build(filter, 'v4')).toBe(v4);
  });

  it('uses the V2 date form of a date-only property', () => {
    expect(build({ property: 'birthday', value: '1815-12-10' }, 'v2', 'SalesService.Customers')).toBe(
      "birthday eq datetime'1815-12-10T00:00:00'",
    );
    expect(build({ property: 'birthday', value: '1815-12-10' }, 'v4', 'SalesService.Customers')).toBe(
      'birthday eq 1815-12-10',
    );
  });

  it('passes a raw filter string on unchanged', () => {
    expect(
      buildFilter("status eq 'open'", {
        metadata: metadata.v4,
        version: 'v4',
        type: typeOf(metadata.v4, 'SalesService.Orders'),
      }),
    ).toBe("status eq 'open'");
  });

  it.each<[string, ODataFilter, RegExp, string]>([
    [
      'an unknown property',
      { property: 'stauts', value: 'open' },
      /'stauts' is not a property of Orders \(did you mean 'status'\?\)/,
      '$.filter.property',
    ],
    [
      'a navigation compared as a value',
      { property: 'customer', value: 1 },
      /navigation property of Orders, not a value/,
      '$.filter.property',
    ],
    ['a to-many path', { property: 'items/quantity', value: 1 }, /any\(\)\/all\(\)/, '$.filter.property'],
    [
      'contains on a number',
      { property: 'total', operator: 'contains', value: 1 },
      /works on strings, but 'total' is Edm.Decimal/,
      '$.filter.operator',
    ],
    ['in without a list', { property: 'ID', operator: 'in', value: 1 }, /non-empty array/, '$.filter.value'],
    ['a list without in', { property: 'ID', value: [1] }, /use 'in' for a list/, '$.filter.value'],
    [
      'a wrong literal deep inside',
      {
        and: [
          { property: 'ID', value: 1 },
          { property: 'ID', value: 'one' },
        ],
      },
      /Edm.Int32/,
      '$.filter.and[1].value',
    ],
    [
      'null with gt',
      { property: 'total', operator: 'gt', value: null },
      /null can only be compared with eq or ne/,
      '$.filter.value',
    ],
  ])('refuses %s with INVALID_INPUT at the right path', (_name, filter, message, path) => {
    expect(() => build(filter, 'v4')).toThrow(message);
    try {
      build(filter, 'v2');
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_INPUT', path });
    }
  });
});

describe('encodeQueryValue', () => {
  it('encodes spaces as %20 (never +) and escapes what could end the option', () => {
    expect(encodeQueryValue("name eq 'a+b & c#d'")).toBe("name%20eq%20'a%2Bb%20%26%20c%23d'");
    expect(encodeQueryValue('customer/name,ID')).toBe('customer/name,ID');
  });
});
