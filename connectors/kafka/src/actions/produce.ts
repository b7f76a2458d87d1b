import { ConnectorError, defineAction, type Static, Type } from '@connectorkit/core';
import { CompressionTypes, type Message } from 'kafkajs';
import { abortable } from '../abortable.js';
import { kafkaConnection } from '../connection.js';
import { toKafkaError } from '../error-mapping.js';

// No `default`s in this schema: the kit deep-copies inputs whose schema has defaults, and a
// produce call can carry thousands of messages. Absent fields get their defaults in `run`.
const OutgoingMessage = Type.Object(
  {
    key: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Message key (UTF-8)' })),
    value: Type.Unknown({
      description:
        'A string is sent as it is; any other JSON value (object, array, number, boolean) is sent JSON-encoded; null is a tombstone',
    }),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]), {
        description: 'Headers; an array sends the key several times',
      }),
    ),
    partition: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Target partition; default: by key hash (murmur2), else sticky',
      }),
    ),
    timestamp: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0 }), Type.String({ format: 'date-time' })], {
        description: 'Record timestamp: epoch milliseconds or an ISO 8601 date; default: now',
      }),
    ),
  },
  { additionalProperties: false },
);

const ACKS = { all: -1, leader: 1, none: 0 } as const;

export const ProduceInput = Type.Object(
  {
    topic: Type.String({ minLength: 1, description: 'Topic to write to' }),
    messages: Type.Array(OutgoingMessage, {
      minItems: 1,
      description: 'Messages, sent in one request per partition',
    }),
    acks: Type.Optional(
      Type.Union([Type.Literal('all'), Type.Literal('leader'), Type.Literal('none')], {
        description:
          "Acknowledgement: 'all' in-sync replicas (acks=-1, default), the 'leader' only (acks=1), or 'none' (acks=0, no offsets returned)",
      }),
    ),
    compression: Type.Optional(
      Type.Union([Type.Literal('none'), Type.Literal('gzip')], {
        description: "Batch compression, default 'none'",
      }),
    ),
    timeoutMs: Type.Optional(
      Type.Integer({ minimum: 1, description: 'How long the broker may wait for acks (default 30 000)' }),
    ),
  },
  { additionalProperties: false },
);
export type ProduceInput = Static<typeof ProduceInput>;

export const ProduceOutput = Type.Object({
  topic: Type.String(),
  partitions: Type.Array(
    Type.Object({
      partition: Type.Integer(),
      baseOffset: Type.Union([Type.String(), Type.Null()], {
        description: 'Offset of the first message written to this partition; null with acks none',
      }),
    }),
    { description: 'One entry per partition written to, in partition order' },
  ),
  count: Type.Integer({ description: 'Messages written' }),
});
export type ProduceOutput = Static<typeof ProduceOutput>;

type OutgoingMessage = Static<typeof OutgoingMessage>;

/** The kafkajs record of one outgoing message: strings stay, other values become JSON. */
export function toKafkaMessage(message: OutgoingMessage, index: number): Message {
  const value = message.value;
  const encoded: Message = {
    value:
      value === null || value === undefined
        ? null
        : typeof value === 'string'
          ? value
          : JSON.stringify(value),
  };
  if (message.key !== undefined) encoded.key = message.key;
  if (message.partition !== undefined) encoded.partition = message.partition;
  if (message.headers !== undefined) encoded.headers = message.headers;
  if (message.timestamp !== undefined) {
    const millis = typeof message.timestamp === 'number' ? message.timestamp : Date.parse(message.timestamp);
    if (Number.isNaN(millis)) {
      throw new ConnectorError('INVALID_INPUT', `messages[${index}].timestamp is not a date`, {
        path: `$.messages[${index}].timestamp`,
      });
    }
    encoded.timestamp = String(millis);
  }
  return encoded;
}

/** Sends messages to one topic; see {@link ProduceInput}. */
export const produce = defineAction({
  connection: kafkaConnection,
  title: 'Produce messages',
  description:
    'Writes messages (key, string or JSON value, headers, partition, timestamp) to a topic with the chosen acks and compression; returns the partitions and base offsets written. Not idempotent: a retry may write twice.',
  input: ProduceInput,
  output: ProduceOutput,
  examples: [
    {
      title: 'Publish an order event as JSON with a header',
      input: {
        topic: 'orders',
        messages: [{ key: 'order-42', value: { id: 42, total: 99.5 }, headers: { source: 'shop' } }],
      },
    },
  ],
  run: async (input, { client, signal }) => {
    const messages = input.messages.map(toKafkaMessage);
    try {
      const record = {
        topic: input.topic,
        messages,
        acks: ACKS[input.acks ?? 'all'],
        compression: input.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
        ...(input.timeoutMs === undefined ? {} : { timeout: input.timeoutMs }),
      };
      // The shared producer stays connected on abort: other calls use it. A request already
      // sent cannot be withdrawn; the caller gets CANCELLED or TIMEOUT right away.
      const results = await abortable(
        client.withProducer(input.topic, (producer) => producer.send(record)),
        signal,
      );
      const partitions = results
        .map((result) => ({ partition: result.partition, baseOffset: result.baseOffset ?? null }))
        .sort((a, b) => a.partition - b.partition);
      return { topic: input.topic, partitions, count: messages.length };
    } catch (error) {
      if (signal.aborted) throw error;
      throw toKafkaError(error, { topic: input.topic });
    }
  },
});
