import { ConnectorError } from '@connectorkit/core';
import { describe, expect, it } from 'vitest';
import { toKafkaMessage } from './produce.js';

describe('toKafkaMessage', () => {
  it('sends strings as they are and other values as JSON', () => {
    expect(toKafkaMessage({ value: 'plain' }, 0)).toEqual({ value: 'plain' });
    expect(toKafkaMessage({ value: { id: 1 } }, 0)).toEqual({ value: '{"id":1}' });
    expect(toKafkaMessage({ value: [1, 2] }, 0)).toEqual({ value: '[1,2]' });
    expect(toKafkaMessage({ value: 42 }, 0)).toEqual({ value: '42' });
    expect(toKafkaMessage({ value: false }, 0)).toEqual({ value: 'false' });
  });

  it('sends null as a tombstone', () => {
    expect(toKafkaMessage({ key: 'k', value: null }, 0)).toEqual({ key: 'k', value: null });
  });

  it('carries key, headers and partition', () => {
    expect(
      toKafkaMessage({ key: 'k', value: 'v', headers: { a: 'b', c: ['d', 'e'] }, partition: 3 }, 0),
    ).toEqual({
      key: 'k',
      value: 'v',
      headers: { a: 'b', c: ['d', 'e'] },
      partition: 3,
    });
  });

  it('takes timestamps as epoch milliseconds or ISO dates', () => {
    expect(toKafkaMessage({ value: 'v', timestamp: 1_700_000_000_000 }, 0).timestamp).toBe('1700000000000');
    expect(toKafkaMessage({ value: 'v', timestamp: '2023-11-14T22:13:20.000Z' }, 0).timestamp).toBe(
      '1700000000000',
    );
  });

  it('rejects a timestamp that is not a date with INVALID_INPUT and its path', () => {
    expect(() => toKafkaMessage({ value: 'v', timestamp: 'tomorrow' }, 4)).toThrow(ConnectorError);
    try {
      toKafkaMessage({ value: 'v', timestamp: 'tomorrow' }, 4);
    } catch (error) {
      expect((error as ConnectorError).code).toBe('INVALID_INPUT');
      expect((error as ConnectorError).path).toBe('$.messages[4].timestamp');
    }
  });
});
