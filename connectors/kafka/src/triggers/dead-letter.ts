import type { ConnectorError } from '@connectorkit/core';
import type { IHeaders, Message } from 'kafkajs';
import type { SourceMessage } from '../kafka-message.js';

/**
 * Headers added to a message copied to the dead-letter topic. The original key, value and
 * headers are kept as they were.
 */
export const DEAD_LETTER_HEADERS = {
  /** The `ConnectorError` code of the failure (e.g. `INTERNAL`, `INVALID_INPUT`). */
  errorCode: 'x-dlq-error-code',
  /** The error message (redacted by the kit). */
  errorMessage: 'x-dlq-error-message',
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  /** The original record timestamp, epoch milliseconds. */
  originalTimestamp: 'x-dlq-original-timestamp',
  /** When the message was given up on (ISO 8601). */
  failedAt: 'x-dlq-failed-at',
  /** The consumer group that failed to handle it. */
  consumerGroup: 'x-dlq-consumer-group',
} as const;

/** Longest error message carried in a header; broker limits apply to the whole record. */
const MAX_MESSAGE_LENGTH = 4_000;

/** The dead-letter copies of messages whose handling failed with `error`. */
export function deadLetterMessages(
  sources: readonly SourceMessage[],
  error: ConnectorError,
  groupId: string,
  failedAt: Date = new Date(),
): Message[] {
  const when = failedAt.toISOString();
  return sources.map(({ topic, partition, message }) => {
    const headers: IHeaders = {
      ...message.headers,
      [DEAD_LETTER_HEADERS.errorCode]: error.code,
      [DEAD_LETTER_HEADERS.errorMessage]: error.message.slice(0, MAX_MESSAGE_LENGTH),
      [DEAD_LETTER_HEADERS.originalTopic]: topic,
      [DEAD_LETTER_HEADERS.originalPartition]: String(partition),
      [DEAD_LETTER_HEADERS.originalOffset]: message.offset,
      [DEAD_LETTER_HEADERS.originalTimestamp]: message.timestamp,
      [DEAD_LETTER_HEADERS.failedAt]: when,
      [DEAD_LETTER_HEADERS.consumerGroup]: groupId,
    };
    return { key: message.key, value: message.value, headers };
  });
}
