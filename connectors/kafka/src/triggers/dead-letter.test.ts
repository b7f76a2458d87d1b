import { ConnectorError } from '@connectorkit/core';
import type { KafkaMessage as RawKafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, deadLetterMessages } from './dead-letter.js';

describe('deadLetterMessages', () => {
  it('keeps key, value and headers and adds why, where from and when', () => {
    const message = {
      key: Buffer.from('k'),
      value: Buffer.from('v'),
      timestamp: '1700000000000',
      attributes: 0,
      offset: '7',
      headers: { trace: Buffer.from('abc') },
    } as RawKafkaMessage;
    const [copy] = deadLetterMessages(
      [{ topic: 'orders', partition: 2, message }],
      new ConnectorError('INVALID_INPUT', 'total must be positive'),
      'billing',
      new Date('2024-01-02T03:04:05.000Z'),
    );
    expect(copy?.key).toEqual(Buffer.from('k'));
    expect(copy?.value).toEqual(Buffer.from('v'));
    expect(copy?.headers).toEqual({
      trace: Buffer.from('abc'),
      [DEAD_LETTER_HEADERS.errorCode]: 'INVALID_INPUT',
      [DEAD_LETTER_HEADERS.errorMessage]: 'total must be positive',
      [DEAD_LETTER_HEADERS.originalTopic]: 'orders',
      [DEAD_LETTER_HEADERS.originalPartition]: '2',
      [DEAD_LETTER_HEADERS.originalOffset]: '7',
      [DEAD_LETTER_HEADERS.originalTimestamp]: '1700000000000',
      [DEAD_LETTER_HEADERS.failedAt]: '2024-01-02T03:04:05.000Z',
      [DEAD_LETTER_HEADERS.consumerGroup]: 'billing',
    });
  });
});
