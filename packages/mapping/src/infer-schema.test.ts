import { describe, expect, it } from 'vitest';
import { inferSchema } from './infer-schema.js';
import { compileSchema } from './json-schema.js';

describe('inferSchema', () => {
  const samples = [
    {
      id: 1001,
      placedAt: '2026-03-14T09:30:00Z',
      deliveryDate: '2026-03-20',
      customer: { name: 'Ada', email: 'ada@example.com', website: 'https://ada.example.com' },
      lines: [
        { sku: 'BRK-001', quantity: 2, price: 4.5 },
        { sku: 'BRK-002', quantity: 1, price: 20, giftWrap: true },
      ],
      coupon: null,
      paid: true,
    },
    {
      id: 1002,
      placedAt: '2026-03-15T10:00:00+01:00',
      deliveryDate: '2026-03-21',
      customer: { name: 'Grace', email: 'grace@example.org' },
      lines: [{ sku: 'NUT-100', quantity: 250, price: 0.08 }],
      coupon: 'SPRING',
      paid: false,
    },
  ];

  it('infers types, nested objects and arrays with items merged', () => {
    const schema = inferSchema(samples);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(schema.properties?.id).toEqual({ type: 'integer' });
    expect(schema.properties?.paid).toEqual({ type: 'boolean' });
    expect(schema.properties?.lines?.type).toBe('array');
    expect(schema.properties?.lines?.items?.properties?.quantity).toEqual({ type: 'integer' });
    // 4.5 and 20 seen at one place: integer widens to number.
    expect(schema.properties?.lines?.items?.properties?.price).toEqual({ type: 'number' });
  });

  it('marks fields missing from some items as optional', () => {
    const schema = inferSchema(samples);
    expect(schema.required).toEqual([
      'id',
      'placedAt',
      'deliveryDate',
      'customer',
      'lines',
      'coupon',
      'paid',
    ]);
    expect(schema.properties?.customer?.required).toEqual(['name', 'email']);
    expect(schema.properties?.lines?.items?.required).toEqual(['sku', 'quantity', 'price']);
    expect(schema.properties?.lines?.items?.properties?.giftWrap).toEqual({ type: 'boolean' });
  });

  it('detects formats and nullable fields', () => {
    const schema = inferSchema(samples);
    expect(schema.properties?.placedAt).toEqual({ type: 'string', format: 'date-time' });
    expect(schema.properties?.deliveryDate).toEqual({ type: 'string', format: 'date' });
    expect(schema.properties?.customer?.properties?.email).toEqual({ type: 'string', format: 'email' });
    expect(schema.properties?.customer?.properties?.website).toEqual({ type: 'string', format: 'uri' });
    expect(schema.properties?.coupon).toEqual({ type: ['null', 'string'] });
  });

  it('drops the format when the samples disagree', () => {
    const schema = inferSchema([{ when: '2026-03-14' }, { when: 'tomorrow' }]);
    expect(schema.properties?.when).toEqual({ type: 'string' });
  });

  it('accepts empty arrays and top-level arrays', () => {
    expect(inferSchema([{ tags: [] }]).properties?.tags).toEqual({ type: 'array', items: {} });
    const schema = inferSchema([[{ a: 1 }, { a: 2, b: 'x' }]]);
    expect(schema.type).toBe('array');
    expect(schema.items?.required).toEqual(['a']);
  });

  it('produces a schema every sample validates against', () => {
    const validate = compileSchema(inferSchema(samples));
    for (const sample of samples) expect(validate(sample)).toEqual([]);
    expect(validate({ ...samples[0], placedAt: 'yesterday' })).toEqual([
      { path: '$.placedAt', message: 'must match format "date-time"' },
    ]);
  });
});
