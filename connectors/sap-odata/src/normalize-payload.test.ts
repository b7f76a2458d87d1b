import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  fromV2Date,
  fromV2Duration,
  type NormalizeOptions,
  normalizeEntity,
  toWireEntity,
} from './normalize-payload.js';
import { parseMetadata, typeOf } from './service-metadata.js';

const v2 = parseMetadata(readFileSync(new URL('./test-fixtures/sales-v2.xml', import.meta.url), 'utf8'));
const v4 = parseMetadata(readFileSync(new URL('./test-fixtures/sales-v4.xml', import.meta.url), 'utf8'));
const v2Options: NormalizeOptions = { metadata: v2, version: 'v2', preciseNumbers: 'string' };
const v4Options: NormalizeOptions = { metadata: v4, version: 'v4', preciseNumbers: 'string' };

describe('normalizeEntity', () => {
  it('turns a V2 entity into the same shape as the V4 one', () => {
    const fromV2 = normalizeEntity(
      {
        ID: 1,
        total: '120.5',
        orderedAt: '/Date(1706781600000+0000)/',
        note: null,
        customer: {
          ID: '5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e01',
          birthday: '/Date(-4861728000000)/',
          orders: { __deferred: { uri: 'http://x/Customers(1)/orders' } },
          __metadata: { type: 'SalesService.Customers', uri: 'http://x', etag: 'W/"c1"' },
        },
        items: { results: [{ order_ID: 1, position: 1, price: '50.25', __metadata: { uri: 'http://x' } }] },
        __metadata: { type: 'SalesService.Orders', uri: 'http://x/Orders(1)', etag: 'W/"o1"' },
      },
      typeOf(v2, 'SalesService.Orders'),
      v2Options,
    );
    const fromV4 = normalizeEntity(
      {
        '@odata.context': '$metadata#Orders/$entity',
        '@odata.etag': 'W/"o1"',
        ID: 1,
        total: 120.5,
        orderedAt: '2024-02-01T10:00:00.000Z',
        note: null,
        customer: {
          '@odata.etag': 'W/"c1"',
          ID: '5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e01',
          birthday: '1815-12-10',
        },
        items: [{ order_ID: 1, position: 1, price: 50.25 }],
      },
      typeOf(v4, 'SalesService.Orders'),
      v4Options,
    );
    const expected = {
      '@odata.etag': 'W/"o1"',
      ID: 1,
      total: '120.5',
      orderedAt: '2024-02-01T10:00:00.000Z',
      note: null,
      customer: {
        '@odata.etag': 'W/"c1"',
        ID: '5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e01',
        birthday: '1815-12-10',
      },
      items: [{ order_ID: 1, position: 1, price: '50.25' }],
    };
    expect(fromV2).toEqual(expected);
    expect(fromV4).toEqual(expected);
  });

  it('returns decimals and 64-bit integers as numbers when asked, doubles always as numbers', () => {
    const product = { code: 'P-1', price: '9.99', stock: '9000000000', weight: '0.35' };
    expect(
      normalizeEntity(product, typeOf(v2, 'SalesService.Products'), {
        ...v2Options,
        preciseNumbers: 'number',
      }),
    ).toEqual({
      code: 'P-1',
      price: 9.99,
      stock: 9_000_000_000,
      weight: 0.35,
    });
  });
});

describe('V2 value forms', () => {
  it.each([
    ['/Date(1706781600000)/', '2024-02-01T10:00:00.000Z'],
    ['/Date(1706781600000+0060)/', '2024-02-01T10:00:00.000Z'],
    ['/Date(-4861728000000)/', '1815-12-10T00:00:00.000Z'],
    ['2024-02-01', undefined],
  ])('%s → %s', (text, iso) => {
    expect(fromV2Date(text)).toBe(iso);
  });

  it('reads PT durations as times of day', () => {
    expect(fromV2Duration('PT13H45M05S')).toBe('13:45:05');
    expect(fromV2Duration('PT9H')).toBe('09:00:00');
    expect(fromV2Duration('PT1H2M3.25S')).toBe('01:02:03.25');
  });
});

describe('toWireEntity', () => {
  it('writes V2 dates as /Date(ms)/ and decimals as strings, and leaves V4 values alone', () => {
    const data = { ID: 7, total: 12.5, orderedAt: '2024-06-01T12:00:00Z', note: "it's" };
    expect(toWireEntity(data, typeOf(v2, 'SalesService.Orders'), v2Options, '$.data')).toEqual({
      ID: 7,
      total: '12.5',
      orderedAt: '/Date(1717243200000+0000)/',
      note: "it's",
    });
    expect(toWireEntity(data, typeOf(v4, 'SalesService.Orders'), v4Options, '$.data')).toEqual(data);
    expect(
      toWireEntity(
        { code: 'X', releasedOn: '2024-05-05', stock: 5 },
        typeOf(v2, 'SalesService.Products'),
        v2Options,
        '$.data',
      ),
    ).toEqual({ code: 'X', releasedOn: '/Date(1714867200000)/', stock: '5' });
  });

  it('converts deep inserts with the navigation target type', () => {
    const wire = toWireEntity(
      { ID: 8, items: [{ order_ID: 8, position: 1, price: 2.5 }] },
      typeOf(v2, 'SalesService.Orders'),
      v2Options,
      '$.data',
    );
    expect(wire).toEqual({ ID: 8, items: [{ order_ID: 8, position: 1, price: '2.5' }] });
  });

  it('names an unknown property with a suggestion and its path', () => {
    expect(() =>
      toWireEntity({ ID: 1, totl: 2 }, typeOf(v4, 'SalesService.Orders'), v4Options, '$.data'),
    ).toThrow("'totl' is not a property of Orders (did you mean 'total'?)");
    try {
      toWireEntity({ items: [{ qty: 1 }] }, typeOf(v4, 'SalesService.Orders'), v4Options, '$.data');
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_INPUT', path: '$.data.items[0].qty' });
    }
  });
});
