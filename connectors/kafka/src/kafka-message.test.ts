import { ConnectorError } from '@connectorkit/core';
import type { KafkaMessage as RawKafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { decodeHeaders, decodeMessage } from './kafka-message.js';

function raw(overrides: Partial<RawKafkaMessage> = {}): RawKafkaMessage {
  return {
    key: Buffer.from('order-1'),
    value: Buffer.from('{"id":1,"total":9.5}'),
    timestamp: '1700000000000',
    attributes: 0,
    offset: '42',
    headers: { source: Buffer.from('shop'), tag: [Buffer.from('a'), Buffer.from('b')] },
    ...overrides,
  } as RawKafkaMessage;
}

describe('decodeMessage', () => {
  it('decodes key, headers and timestamp, and the value as text by default', () => {
    expect(decodeMessage({ topic: 'orders', partition: 2, message: raw() }, 'string')).toEqual({
      topic: 'orders',
      partition: 2,
      offset: '42',
      key: 'order-1',
      value: '{"id":1,"total":9.5}',
      headers: { source: 'shop', tag: ['a', 'b'] },
      timestamp: '2023-11-14T22:13:20.000Z',
    });
  });

  it('parses JSON values', () => {
    expect(decodeMessage({ topic: 'orders', partition: 0, message: raw() }, 'json').value).toEqual({
      id: 1,
      total: 9.5,
    });
  });

  it('gives base64 of the raw bytes', () => {
    const bytes = Buffer.from([0, 255, 1]);
    expect(decodeMessage({ topic: 't', partition: 0, message: raw({ value: bytes }) }, 'base64').value).toBe(
      'AP8B',
    );
  });

  it('keeps null keys and tombstones as null', () => {
    const decoded = decodeMessage(
      { topic: 't', partition: 0, message: raw({ key: null, value: null }) },
      'json',
    );
    expect(decoded.key).toBeNull();
    expect(decoded.value).toBeNull();
  });

  it('fails with INVALID_INPUT naming where the value is when it is not JSON', () => {
    const error = (() => {
      try {
        decodeMessage(
          { topic: 'orders', partition: 1, message: raw({ value: Buffer.from('not json') }) },
          'json',
        );
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('INVALID_INPUT');
    expect((error as ConnectorError).message).toContain('orders/1@42');
  });

  it('skips undefined headers', () => {
    expect(decodeHeaders({ a: undefined, b: 'x' })).toEqual({ b: 'x' });
    expect(decodeHeaders(undefined)).toEqual({});
  });
});
