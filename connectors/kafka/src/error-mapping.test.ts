import { createRequire } from 'node:module';
import { ConnectorError, type ErrorCode } from '@connectorkit/core';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { toKafkaError } from './error-mapping.js';

// The real protocol error table of kafkajs (code → type, message, retriable), so that the cases
// below are the errors kafkajs builds from broker responses.
const { createErrorFromCode } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
  createErrorFromCode(code: number): { type: string; code: number; retriable: boolean; message: string };
};

// kafkajs types only part of its error classes, with narrower constructors than the code has.
type ErrorClass = new (first?: unknown, second?: unknown) => Error;
function errorClass(name: string): ErrorClass {
  const found = (kafkajs as unknown as Record<string, ErrorClass | undefined>)[name];
  if (found === undefined) throw new Error(`kafkajs exports no ${name}`);
  return found;
}
const KafkaJSAggregateError = errorClass('KafkaJSAggregateError');
const KafkaJSConnectionClosedError = errorClass('KafkaJSConnectionClosedError');
const KafkaJSConnectionError = errorClass('KafkaJSConnectionError');
const KafkaJSCreateTopicError = errorClass('KafkaJSCreateTopicError');
const KafkaJSDeleteGroupsError = errorClass('KafkaJSDeleteGroupsError');
const KafkaJSError = errorClass('KafkaJSError');
const KafkaJSGroupCoordinatorNotFound = errorClass('KafkaJSGroupCoordinatorNotFound');
const KafkaJSLockTimeout = errorClass('KafkaJSLockTimeout');
const KafkaJSNoBrokerAvailableError = errorClass('KafkaJSNoBrokerAvailableError');
const KafkaJSNonRetriableError = errorClass('KafkaJSNonRetriableError');
const KafkaJSNumberOfRetriesExceeded = errorClass('KafkaJSNumberOfRetriesExceeded');
const KafkaJSOffsetOutOfRange = errorClass('KafkaJSOffsetOutOfRange');
const KafkaJSProtocolError = errorClass('KafkaJSProtocolError');
const KafkaJSRequestTimeoutError = errorClass('KafkaJSRequestTimeoutError');
const KafkaJSSASLAuthenticationError = errorClass('KafkaJSSASLAuthenticationError');
const KafkaJSServerDoesNotSupportApiKey = errorClass('KafkaJSServerDoesNotSupportApiKey');
const KafkaJSTimeout = errorClass('KafkaJSTimeout');

const protocol = (code: number) => new KafkaJSProtocolError(createErrorFromCode(code));
const refused = () =>
  new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092', {
    broker: '127.0.0.1:9092',
    code: 'ECONNREFUSED',
  });
const afterRetries = (error: Error, retryCount = 3) =>
  new KafkaJSNumberOfRetriesExceeded(error, { retryCount, retryTime: 800 });

interface Case {
  readonly name: string;
  readonly error: () => unknown;
  readonly code: ErrorCode;
  readonly vendorCode?: string;
  readonly message?: RegExp;
}

const cases: readonly Case[] = [
  // Protocol errors, by the type kafkajs gives the broker's error code.
  {
    name: 'UNKNOWN_TOPIC_OR_PARTITION',
    error: () => protocol(3),
    code: 'NOT_FOUND',
    vendorCode: 'UNKNOWN_TOPIC_OR_PARTITION',
    message: /topic 'orders'.*kafka\.createTopic/,
  },
  { name: 'GROUP_ID_NOT_FOUND', error: () => protocol(69), code: 'NOT_FOUND' },
  { name: 'TOPIC_ALREADY_EXISTS', error: () => protocol(36), code: 'CONFLICT', message: /already exists/ },
  { name: 'NON_EMPTY_GROUP', error: () => protocol(68), code: 'CONFLICT' },
  { name: 'TOPIC_AUTHORIZATION_FAILED', error: () => protocol(29), code: 'FORBIDDEN' },
  { name: 'GROUP_AUTHORIZATION_FAILED', error: () => protocol(30), code: 'FORBIDDEN' },
  { name: 'CLUSTER_AUTHORIZATION_FAILED', error: () => protocol(31), code: 'FORBIDDEN' },
  { name: 'TOPIC_DELETION_DISABLED', error: () => protocol(73), code: 'FORBIDDEN' },
  { name: 'SASL_AUTHENTICATION_FAILED', error: () => protocol(58), code: 'AUTH' },
  { name: 'ILLEGAL_SASL_STATE (SASL on a plaintext listener)', error: () => protocol(34), code: 'AUTH' },
  { name: 'UNSUPPORTED_SASL_MECHANISM', error: () => protocol(33), code: 'AUTH' },
  { name: 'INVALID_TOPIC_EXCEPTION', error: () => protocol(17), code: 'INVALID_INPUT' },
  { name: 'INVALID_PARTITIONS', error: () => protocol(37), code: 'INVALID_INPUT' },
  { name: 'INVALID_REPLICATION_FACTOR', error: () => protocol(38), code: 'INVALID_INPUT' },
  { name: 'INVALID_CONFIG', error: () => protocol(40), code: 'INVALID_INPUT' },
  { name: 'MESSAGE_TOO_LARGE', error: () => protocol(10), code: 'INVALID_INPUT' },
  { name: 'INVALID_SESSION_TIMEOUT', error: () => protocol(26), code: 'INVALID_CONFIG' },
  { name: 'REQUEST_TIMED_OUT', error: () => protocol(7), code: 'TIMEOUT' },
  { name: 'LEADER_NOT_AVAILABLE', error: () => protocol(5), code: 'UNAVAILABLE' },
  { name: 'NOT_LEADER_FOR_PARTITION', error: () => protocol(6), code: 'UNAVAILABLE' },
  { name: 'NOT_COORDINATOR_FOR_GROUP', error: () => protocol(16), code: 'UNAVAILABLE' },
  { name: 'REBALANCE_IN_PROGRESS', error: () => protocol(27), code: 'UNAVAILABLE' },
  { name: 'UNSUPPORTED_VERSION', error: () => protocol(35), code: 'UNSUPPORTED' },
  {
    name: 'THROTTLING_QUOTA_EXCEEDED (newer than kafkajs knows)',
    error: () =>
      new KafkaJSProtocolError({
        type: 'THROTTLING_QUOTA_EXCEEDED',
        code: 89,
        retriable: true,
        message: 'The throttling quota has been exceeded',
      }),
    code: 'RATE_LIMITED',
  },
  {
    name: 'OFFSET_OUT_OF_RANGE',
    error: () => new KafkaJSOffsetOutOfRange(createErrorFromCode(1), { topic: 't', partition: 0 }),
    code: 'INVALID_INPUT',
  },
  {
    name: 'KafkaJSCreateTopicError',
    error: () => new KafkaJSCreateTopicError(createErrorFromCode(36), 'orders'),
    code: 'CONFLICT',
  },
  // Client-side failures, by kafkajs error class.
  {
    name: 'connection refused',
    error: refused,
    code: 'UNAVAILABLE',
    vendorCode: 'KafkaJSConnectionError',
    message: /is it running/,
  },
  {
    name: 'TLS: broker certificate signed by an unknown CA',
    error: () =>
      afterRetries(
        new KafkaJSConnectionError('Connection error: self-signed certificate in certificate chain', {
          broker: '127.0.0.1:9095',
          code: 'SELF_SIGNED_CERT_IN_CHAIN',
        }),
        1,
      ),
    code: 'AUTH',
    vendorCode: 'SELF_SIGNED_CERT_IN_CHAIN',
    message:
      /^TLS: the broker certificate is not trusted .*`ssl\.ca`.*self-signed certificate in certificate chain \(after 1 retry\)$/,
  },
  {
    name: 'TLS: broker certificate for another host name',
    error: () =>
      new KafkaJSConnectionError(
        "Connection error: Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list: 127.0.0.1",
        { broker: '10.0.0.1:9095', code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
      ),
    code: 'AUTH',
    vendorCode: 'ERR_TLS_CERT_ALTNAME_INVALID',
    message: /`ssl\.servername`/,
  },
  {
    name: 'TLS spoken to a plaintext listener',
    error: () =>
      afterRetries(
        new KafkaJSConnectionError(
          'Connection error: Client network socket disconnected before secure TLS connection was established',
          { broker: '127.0.0.1:9092', code: 'ECONNRESET' },
        ),
        3,
      ),
    code: 'UNAVAILABLE',
    vendorCode: 'KafkaJSConnectionError',
    message:
      /^TLS: the broker closed the connection during the TLS handshake — is this a plaintext listener\? Remove `ssl` .*established \(after 3 retries\)$/,
  },
  {
    name: 'a connection error with a non-TLS code stays UNAVAILABLE',
    error: () =>
      new KafkaJSConnectionError('Connection error: read ECONNRESET', {
        broker: '127.0.0.1:9092',
        code: 'ECONNRESET',
      }),
    code: 'UNAVAILABLE',
    vendorCode: 'KafkaJSConnectionError',
  },
  {
    name: 'connection closed',
    error: () => new KafkaJSConnectionClosedError('Closed connection', { host: '127.0.0.1', port: 9092 }),
    code: 'UNAVAILABLE',
  },
  { name: 'no broker available', error: () => new KafkaJSNoBrokerAvailableError(), code: 'UNAVAILABLE' },
  {
    name: 'group coordinator not found',
    error: () => new KafkaJSGroupCoordinatorNotFound('no coordinator'),
    code: 'UNAVAILABLE',
  },
  {
    name: 'request timeout',
    error: () => new KafkaJSRequestTimeoutError('Request Metadata(key: 3, version: 6) timed out', {}),
    code: 'TIMEOUT',
  },
  { name: 'KafkaJSTimeout', error: () => new KafkaJSTimeout('Timeout'), code: 'TIMEOUT' },
  {
    name: 'KafkaJSLockTimeout',
    error: () => new KafkaJSLockTimeout('Timeout while acquiring lock'),
    code: 'TIMEOUT',
  },
  {
    name: 'SASL authentication error',
    error: () => new KafkaJSSASLAuthenticationError('SASL SCRAM SHA256 authentication failed: bad password'),
    code: 'AUTH',
  },
  {
    name: 'API not supported by the broker',
    error: () => new KafkaJSServerDoesNotSupportApiKey('not supported', { apiKey: 57, apiName: 'x' }),
    code: 'UNSUPPORTED',
  },
  // What the retrier wraps: the cause decides.
  {
    name: 'retries exceeded on a refused connection',
    error: () => afterRetries(refused()),
    code: 'UNAVAILABLE',
    message: /after 3 retries/,
  },
  { name: 'retries exceeded on an unknown topic', error: () => afterRetries(protocol(3)), code: 'NOT_FOUND' },
  {
    name: 'non-retriable wrapper of a protocol error',
    error: () => new KafkaJSNonRetriableError(protocol(38), { cause: protocol(38) }),
    code: 'INVALID_INPUT',
  },
  {
    name: 'aggregate of protocol errors (createTopics)',
    error: () =>
      new KafkaJSAggregateError('Topic creation errors', [
        new KafkaJSCreateTopicError(createErrorFromCode(36), 't'),
      ]),
    code: 'CONFLICT',
  },
  {
    name: 'deleteGroups error',
    error: () =>
      new KafkaJSDeleteGroupsError('Error in DeleteGroups', [
        { groupId: 'g', errorCode: 68, error: protocol(68) },
      ]),
    code: 'CONFLICT',
  },
  {
    name: 'setOffsets on a running group',
    error: () =>
      new KafkaJSNonRetriableError(
        'The consumer group must have no running instances, current state: Stable',
      ),
    code: 'CONFLICT',
  },
  {
    name: 'invalid offset argument',
    error: () => new KafkaJSNonRetriableError('Invalid offset, expected a long received x'),
    code: 'INVALID_INPUT',
  },
  // Fallbacks: what the table does not know.
  {
    name: 'fallback: unknown protocol type, retriable',
    error: () =>
      new KafkaJSProtocolError({ type: 'SOMETHING_NEW', code: 999, retriable: true, message: 'new' }),
    code: 'UNAVAILABLE',
  },
  {
    name: 'fallback: unknown protocol type, not retriable',
    error: () =>
      new KafkaJSProtocolError({ type: 'SOMETHING_NEW', code: 999, retriable: false, message: 'new' }),
    code: 'INTERNAL',
  },
  { name: 'fallback: retriable KafkaJSError', error: () => new KafkaJSError('flaky'), code: 'UNAVAILABLE' },
  {
    name: 'fallback: non-retriable KafkaJSError',
    error: () => new KafkaJSNonRetriableError('broken'),
    code: 'INTERNAL',
  },
  { name: 'fallback: plain Error', error: () => new Error('boom'), code: 'INTERNAL', message: /^boom$/ },
  { name: 'fallback: a thrown string', error: () => 'odd', code: 'INTERNAL' },
  {
    name: 'Node socket error',
    error: () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    code: 'UNAVAILABLE',
  },
  { name: 'abort', error: () => new DOMException('aborted', 'AbortError'), code: 'CANCELLED' },
  { name: 'abort by timeout', error: () => new DOMException('timed out', 'TimeoutError'), code: 'TIMEOUT' },
  {
    name: 'a ConnectorError passes through',
    error: () => new ConnectorError('FORBIDDEN', 'no'),
    code: 'FORBIDDEN',
  },
];

describe('toKafkaError', () => {
  it.each(cases)('$name → $code', ({ error, code, vendorCode, message }) => {
    const original = error();
    const mapped = toKafkaError(original, { connector: 'kafka', action: 'produce', topic: 'orders' });
    expect(mapped).toBeInstanceOf(ConnectorError);
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(['UNAVAILABLE', 'TIMEOUT', 'RATE_LIMITED'].includes(code));
    expect(mapped.connector).toBe('kafka');
    expect(mapped.action).toBe('produce');
    if (vendorCode !== undefined) expect(mapped.vendorCode).toBe(vendorCode);
    if (message !== undefined) expect(mapped.message).toMatch(message);
    if (!(original instanceof ConnectorError)) expect(mapped.cause).toBeDefined();
  });

  it('keeps the whole kafkajs error as the cause', () => {
    const original = afterRetries(protocol(3));
    expect(toKafkaError(original).cause).toBe(original);
  });
});
