import {
  ConnectorError,
  type ConnectorErrorOptions,
  type ErrorCode,
  isConnectorError,
  TLS_CERTIFICATE_CODES,
  toConnectorError,
} from '@connectorkit/core';

/** Where a failure happened, and what it was about, for the message. */
export interface KafkaErrorContext
  extends Pick<ConnectorErrorOptions, 'connector' | 'action' | 'connection'> {
  /** The topic the call was about, named in NOT_FOUND messages. */
  readonly topic?: string | undefined;
  /** The consumer group the call was about. */
  readonly groupId?: string | undefined;
}

interface ProtocolRule {
  readonly code: ErrorCode;
  /** What to do about it, appended to the broker's message. */
  readonly hint?: (context: KafkaErrorContext) => string;
}

const topicName = (context: KafkaErrorContext): string =>
  context.topic === undefined ? 'the topic' : `topic '${context.topic}'`;

/**
 * Kafka protocol errors (the `type` of a `KafkaJSProtocolError`) onto codes. Types not listed
 * fall back on kafkajs' own `retriable` flag: UNAVAILABLE when retriable, INTERNAL otherwise.
 */
const PROTOCOL_RULES: Readonly<Record<string, ProtocolRule>> = {
  UNKNOWN_TOPIC_OR_PARTITION: {
    code: 'NOT_FOUND',
    hint: (context) =>
      `${topicName(context)} (or the partition) does not exist — create it with kafka.createTopic or check the name`,
  },
  UNKNOWN_TOPIC_ID: { code: 'NOT_FOUND', hint: (context) => `${topicName(context)} does not exist` },
  GROUP_ID_NOT_FOUND: { code: 'NOT_FOUND', hint: () => 'the consumer group does not exist' },
  TOPIC_ALREADY_EXISTS: { code: 'CONFLICT', hint: (context) => `${topicName(context)} already exists` },
  NON_EMPTY_GROUP: {
    code: 'CONFLICT',
    hint: () => 'the consumer group still has members — stop its consumers first',
  },
  GROUP_SUBSCRIBED_TO_TOPIC: { code: 'CONFLICT' },
  REASSIGNMENT_IN_PROGRESS: { code: 'CONFLICT' },
  INCONSISTENT_GROUP_PROTOCOL: { code: 'CONFLICT' },
  FENCED_INSTANCE_ID: { code: 'CONFLICT' },
  TOPIC_AUTHORIZATION_FAILED: {
    code: 'FORBIDDEN',
    hint: (context) => `the principal may not access ${topicName(context)} (ACL)`,
  },
  GROUP_AUTHORIZATION_FAILED: { code: 'FORBIDDEN', hint: () => 'the principal may not use this group (ACL)' },
  CLUSTER_AUTHORIZATION_FAILED: { code: 'FORBIDDEN', hint: () => 'the principal lacks a cluster permission' },
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: { code: 'FORBIDDEN' },
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: { code: 'FORBIDDEN' },
  TOPIC_DELETION_DISABLED: {
    code: 'FORBIDDEN',
    hint: () => 'the broker has delete.topic.enable=false',
  },
  SASL_AUTHENTICATION_FAILED: { code: 'AUTH', hint: () => 'check `sasl.username` and `sasl.password`' },
  ILLEGAL_SASL_STATE: {
    code: 'AUTH',
    hint: () => 'the listener does not expect SASL — remove `sasl` or use the SASL listener',
  },
  UNSUPPORTED_SASL_MECHANISM: {
    code: 'AUTH',
    hint: () => 'the broker does not enable this `sasl.mechanism`',
  },
  DELEGATION_TOKEN_EXPIRED: { code: 'AUTH' },
  INVALID_TOPIC_EXCEPTION: {
    code: 'INVALID_INPUT',
    hint: () => 'topic names use letters, digits, ".", "_" and "-", at most 249 characters',
  },
  INVALID_PARTITIONS: { code: 'INVALID_INPUT' },
  INVALID_REPLICATION_FACTOR: {
    code: 'INVALID_INPUT',
    hint: () => 'the replication factor exceeds the number of brokers',
  },
  INVALID_REPLICA_ASSIGNMENT: { code: 'INVALID_INPUT' },
  INVALID_CONFIG: { code: 'INVALID_INPUT', hint: () => 'a topic config entry is unknown or has a bad value' },
  INVALID_REQUEST: { code: 'INVALID_INPUT' },
  INVALID_REQUIRED_ACKS: { code: 'INVALID_INPUT' },
  INVALID_TIMESTAMP: { code: 'INVALID_INPUT' },
  INVALID_RECORD: { code: 'INVALID_INPUT' },
  INVALID_GROUP_ID: { code: 'INVALID_INPUT' },
  INVALID_SESSION_TIMEOUT: {
    code: 'INVALID_CONFIG',
    hint: () =>
      'the session timeout is outside the broker limits (group.min/max.session.timeout.ms, 6 s–30 min by default)',
  },
  INVALID_COMMIT_OFFSET_SIZE: { code: 'INVALID_INPUT' },
  OFFSET_METADATA_TOO_LARGE: { code: 'INVALID_INPUT' },
  MESSAGE_TOO_LARGE: {
    code: 'INVALID_INPUT',
    hint: () => 'a message exceeds the broker or topic max.message.bytes',
  },
  RECORD_LIST_TOO_LARGE: { code: 'INVALID_INPUT', hint: () => 'send fewer messages per call' },
  POLICY_VIOLATION: { code: 'INVALID_INPUT' },
  OFFSET_OUT_OF_RANGE: { code: 'INVALID_INPUT', hint: () => 'the offset is outside the partition log' },
  UNSUPPORTED_VERSION: { code: 'UNSUPPORTED' },
  UNSUPPORTED_FOR_MESSAGE_FORMAT: { code: 'UNSUPPORTED' },
  UNSUPPORTED_COMPRESSION_TYPE: { code: 'UNSUPPORTED' },
  SECURITY_DISABLED: { code: 'UNSUPPORTED' },
  DELEGATION_TOKEN_AUTH_DISABLED: { code: 'UNSUPPORTED' },
  REQUEST_TIMED_OUT: { code: 'TIMEOUT' },
  THROTTLING_QUOTA_EXCEEDED: { code: 'RATE_LIMITED' },
  GROUP_MAX_SIZE_REACHED: { code: 'RATE_LIMITED', hint: () => 'the group has group.max.size members' },
  LEADER_NOT_AVAILABLE: { code: 'UNAVAILABLE' },
  NOT_LEADER_FOR_PARTITION: { code: 'UNAVAILABLE' },
  BROKER_NOT_AVAILABLE: { code: 'UNAVAILABLE' },
  REPLICA_NOT_AVAILABLE: { code: 'UNAVAILABLE' },
  NETWORK_EXCEPTION: { code: 'UNAVAILABLE' },
  NOT_ENOUGH_REPLICAS: { code: 'UNAVAILABLE' },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: { code: 'UNAVAILABLE' },
  GROUP_LOAD_IN_PROGRESS: { code: 'UNAVAILABLE' },
  GROUP_COORDINATOR_NOT_AVAILABLE: { code: 'UNAVAILABLE' },
  NOT_COORDINATOR_FOR_GROUP: { code: 'UNAVAILABLE' },
  NOT_CONTROLLER: { code: 'UNAVAILABLE' },
  KAFKA_STORAGE_ERROR: { code: 'UNAVAILABLE' },
  REBALANCE_IN_PROGRESS: { code: 'UNAVAILABLE', hint: () => 'the consumer group is rebalancing' },
  ILLEGAL_GENERATION: { code: 'UNAVAILABLE', hint: () => 'the consumer group rebalanced' },
  UNKNOWN_MEMBER_ID: { code: 'UNAVAILABLE', hint: () => 'the consumer left the group (session timeout)' },
  CORRUPT_MESSAGE: { code: 'UNAVAILABLE' },
};

/** kafkajs' client-side failures, by error `name`. */
const CLIENT_RULES: Readonly<Record<string, { code: ErrorCode; text: string }>> = {
  KafkaJSConnectionError: {
    code: 'UNAVAILABLE',
    text: 'could not reach the Kafka broker — is it running, and are `brokers` right?',
  },
  KafkaJSConnectionClosedError: { code: 'UNAVAILABLE', text: 'the broker closed the connection' },
  KafkaJSNoBrokerAvailableError: { code: 'UNAVAILABLE', text: 'no Kafka broker is available' },
  KafkaJSBrokerNotFound: { code: 'UNAVAILABLE', text: 'the broker for this request is not in the metadata' },
  KafkaJSGroupCoordinatorNotFound: { code: 'UNAVAILABLE', text: 'no coordinator for the consumer group' },
  KafkaJSMetadataNotLoaded: { code: 'UNAVAILABLE', text: 'cluster metadata is not loaded yet' },
  KafkaJSStaleTopicMetadataAssignment: { code: 'UNAVAILABLE', text: 'topic metadata changed' },
  KafkaJSRequestTimeoutError: {
    code: 'TIMEOUT',
    text: 'the broker did not answer in time (requestTimeoutMs)',
  },
  KafkaJSTimeout: { code: 'TIMEOUT', text: 'the operation timed out' },
  KafkaJSLockTimeout: { code: 'TIMEOUT', text: 'timed out waiting for a client lock' },
  KafkaJSSASLAuthenticationError: {
    code: 'AUTH',
    text: 'SASL authentication failed — check `sasl.mechanism`, `sasl.username` and `sasl.password`',
  },
  KafkaJSServerDoesNotSupportApiKey: {
    code: 'UNSUPPORTED',
    text: 'the broker does not support a request kafkajs needs',
  },
  KafkaJSNotImplemented: { code: 'UNSUPPORTED', text: 'not implemented by kafkajs' },
  KafkaJSUnsupportedMagicByteInMessageSet: { code: 'UNSUPPORTED', text: 'unsupported message format' },
  KafkaJSPartialMessageError: { code: 'UNAVAILABLE', text: 'a partial message was received' },
};

/** Node's words when the peer hangs up before a TLS session exists: mostly TLS spoken to a plaintext port. */
const TLS_HANDSHAKE_CLOSED = /before secure TLS connection was established/;

/** Texts of kafkajs' `KafkaJSNonRetriableError`s that say what the caller got wrong. */
const TEXT_RULES: readonly (readonly [RegExp, ErrorCode])[] = [
  [/must have no running instances/i, 'CONFLICT'],
  [/Invalid topic|Invalid partition|Invalid offset|Offset must not be a negative/i, 'INVALID_INPUT'],
  [/groupId must be a non-empty string/i, 'INVALID_CONFIG'],
  [/heartbeatInterval .* must be lower than sessionTimeout/i, 'INVALID_CONFIG'],
];

function nameOf(error: object): string {
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : '';
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'unknown failure';
}

/**
 * The failure that decided the outcome: kafkajs wraps the last attempt's error in
 * `KafkaJSNumberOfRetriesExceeded` (as `cause`) and several errors in `KafkaJSAggregateError`.
 */
function innermost(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth++) {
    const name = nameOf(current);
    const cause = (current as { cause?: unknown }).cause;
    // The retrier wraps the last failure in NumberOfRetriesExceeded, and a failure it gave up
    // on at once in a plain NonRetriableError, both with the original as `cause`.
    if (
      (name === 'KafkaJSNumberOfRetriesExceeded' || name === 'KafkaJSNonRetriableError') &&
      cause !== null &&
      typeof cause === 'object' &&
      cause !== current
    ) {
      current = cause;
      continue;
    }
    if (name === 'KafkaJSAggregateError') {
      const errors = (current as { errors?: unknown }).errors;
      if (Array.isArray(errors) && errors.length > 0) {
        current = errors[0];
        continue;
      }
    }
    if (name === 'KafkaJSDeleteGroupsError') {
      const groups = (current as { groups?: { error?: unknown }[] }).groups;
      const first = groups?.find((group) => group.error !== undefined)?.error;
      if (first !== undefined) {
        current = first;
        continue;
      }
    }
    break;
  }
  return current;
}

/** The Kafka protocol error type (`UNKNOWN_TOPIC_OR_PARTITION` …) behind a kafkajs failure, if any. */
export function kafkaErrorType(error: unknown): string | undefined {
  const inner = innermost(error);
  const type = inner !== null && typeof inner === 'object' ? (inner as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? type : undefined;
}

function retryCountOf(error: unknown): number {
  if (error === null || typeof error !== 'object' || nameOf(error) !== 'KafkaJSNumberOfRetriesExceeded')
    return 0;
  const count = (error as { retryCount?: unknown }).retryCount;
  return typeof count === 'number' ? count : 0;
}

/**
 * Maps anything kafkajs (or the connector) throws onto a `ConnectorError`. The original error
 * stays the `cause`; the protocol error type or kafkajs error name becomes `vendorCode`.
 *
 * @example
 * try { await admin.deleteTopics({ topics: [topic] }) } catch (error) { throw toKafkaError(error, { topic }) }
 */
export function toKafkaError(error: unknown, context: KafkaErrorContext = {}): ConnectorError {
  const { topic: _topic, groupId: _groupId, ...where } = context;
  if (isConnectorError(error)) return toConnectorError(error, where);
  const inner = innermost(error);
  const retries = retryCountOf(error);
  const retried = retries > 0 ? ` (after ${retries} ${retries === 1 ? 'retry' : 'retries'})` : '';
  if (inner !== null && typeof inner === 'object') {
    const name = nameOf(inner);
    const type = (inner as { type?: unknown }).type;
    if (typeof type === 'string' && type !== '') {
      const rule = PROTOCOL_RULES[type];
      const code: ErrorCode =
        rule?.code ?? ((inner as { retriable?: unknown }).retriable === true ? 'UNAVAILABLE' : 'INTERNAL');
      const hint = rule?.hint?.(context);
      return new ConnectorError(code, `${messageOf(inner)} [${type}]${retried}${hint ? ` — ${hint}` : ''}`, {
        ...where,
        vendorCode: type,
        cause: error,
      });
    }
    const tlsCode = (inner as { code?: unknown }).code;
    if (
      name === 'KafkaJSConnectionError' &&
      typeof tlsCode === 'string' &&
      TLS_CERTIFICATE_CODES.has(tlsCode)
    ) {
      return new ConnectorError(
        'AUTH',
        `TLS: the broker certificate is not trusted [${tlsCode}] — set \`ssl.ca\` to the PEM of the CA that signed it (and \`ssl.servername\` to a name in the certificate if the host differs) — ${messageOf(inner)}${retried}`,
        { ...where, vendorCode: tlsCode, cause: error },
      );
    }
    if (name === 'KafkaJSConnectionError' && TLS_HANDSHAKE_CLOSED.test(messageOf(inner))) {
      return new ConnectorError(
        'UNAVAILABLE',
        `TLS: the broker closed the connection during the TLS handshake — is this a plaintext listener? Remove \`ssl\` for it, or use the port of the broker's TLS listener — ${messageOf(inner)}${retried}`,
        { ...where, vendorCode: name, cause: error },
      );
    }
    const client = CLIENT_RULES[name];
    if (client !== undefined) {
      return new ConnectorError(client.code, `${client.text} — ${messageOf(inner)}${retried}`, {
        ...where,
        vendorCode: name,
        cause: error,
      });
    }
    if (name.startsWith('KafkaJS')) {
      const text = messageOf(inner);
      const matched = TEXT_RULES.find(([pattern]) => pattern.test(text))?.[1];
      const retriable = (inner as { retriable?: unknown }).retriable === true;
      const code: ErrorCode = matched ?? (retriable ? 'UNAVAILABLE' : 'INTERNAL');
      return new ConnectorError(code, `${text}${retried}`, { ...where, vendorCode: name, cause: error });
    }
  }
  return toConnectorError(inner === error ? error : inner, where);
}
