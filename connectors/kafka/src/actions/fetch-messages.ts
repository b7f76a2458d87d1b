import { randomUUID } from 'node:crypto';
import { ConnectorError, defineAction, type Static, Type } from '@connectorkit/core';
import type { EachBatchPayload } from 'kafkajs';
import { abortable } from '../abortable.js';
import { kafkaConnection } from '../connection.js';
import { toKafkaError } from '../error-mapping.js';
import { gatedLogger } from '../gated-logger.js';
import { decodeMessage, KafkaMessage, ValueDecoding } from '../kafka-message.js';

export const FetchMessagesInput = Type.Object(
  {
    topic: Type.String({ minLength: 1 }),
    partition: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    offset: Type.Optional(
      Type.Union([Type.Literal('earliest'), Type.Literal('latest'), Type.String({ pattern: '^\\d+$' })], {
        default: 'earliest',
        description:
          "Where to start: 'earliest', 'latest' (only messages that arrive while waiting) or an offset; an offset below the log start begins at the log start",
      }),
    ),
    maxMessages: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100 })),
    waitMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 300_000,
        default: 0,
        description:
          'Once the end of the partition is reached, wait this long for more messages before returning (0: return at the end)',
      }),
    ),
    decode: Type.Optional(ValueDecoding),
  },
  { additionalProperties: false },
);
export type FetchMessagesInput = Static<typeof FetchMessagesInput>;

export const FetchMessagesOutput = Type.Object({
  topic: Type.String(),
  partition: Type.Integer(),
  messages: Type.Array(KafkaMessage),
  nextOffset: Type.String({ description: 'The offset to continue from' }),
  lowWatermark: Type.String({ description: 'Log start offset when the call began' }),
  highWatermark: Type.String({ description: 'End offset when the call began' }),
});
export type FetchMessagesOutput = Static<typeof FetchMessagesOutput>;

/**
 * Fetch consumers leave no trace: a random group that never commits, short timeouts, no
 * restart after a failure.
 */
const FETCH_CONSUMER = {
  sessionTimeout: 10_000,
  rebalanceTimeout: 10_000,
  heartbeatInterval: 1_000,
  maxWaitTimeInMs: 100,
  allowAutoTopicCreation: false,
  retry: { retries: 2, restartOnFailure: async () => false },
} as const;

export const fetchMessages = defineAction({
  connection: kafkaConnection,
  title: 'Fetch messages',
  description:
    'Reads up to N messages of one partition from an offset (earliest, latest or a number) without joining a consumer group that commits: nothing is acknowledged and nothing moves. Uses a short-lived consumer that is disconnected when the call ends, times out or is cancelled.',
  input: FetchMessagesInput,
  output: FetchMessagesOutput,
  idempotent: true,
  examples: [{ input: { topic: 'orders', partition: 0, offset: '0', maxMessages: 10, decode: 'json' } }],
  run: async (input, { client, signal, log }) => {
    // The kit fills in the defaults; the fallbacks only satisfy the optional types.
    const {
      topic,
      partition = 0,
      maxMessages = 100,
      waitMs = 0,
      decode = 'string',
      offset = 'earliest',
    } = input;
    let low: bigint;
    let high: bigint;
    try {
      const topics = await abortable(
        client.withAdmin((admin) => admin.listTopics()),
        signal,
      );
      if (!topics.includes(topic)) {
        throw new ConnectorError(
          'NOT_FOUND',
          `topic '${topic}' does not exist — create it with kafka.createTopic or check the name`,
          { vendorCode: 'UNKNOWN_TOPIC_OR_PARTITION' },
        );
      }
      const watermarks = await abortable(
        client.withAdmin((admin) => admin.fetchTopicOffsets(topic)),
        signal,
      );
      const marks = watermarks.find((entry) => entry.partition === partition);
      if (marks === undefined) {
        throw new ConnectorError(
          'NOT_FOUND',
          `topic '${topic}' has no partition ${partition} (it has ${watermarks.length})`,
          { vendorCode: 'UNKNOWN_TOPIC_OR_PARTITION', path: '$.partition' },
        );
      }
      low = BigInt(marks.low);
      high = BigInt(marks.high);
    } catch (error) {
      if (signal.aborted) throw error;
      throw toKafkaError(error, { topic });
    }
    const requested = offset === 'earliest' ? low : offset === 'latest' ? high : BigInt(offset);
    const start = requested < low ? low : requested;
    const result = (messages: KafkaMessage[], next: bigint): FetchMessagesOutput => ({
      topic,
      partition,
      messages,
      nextOffset: next.toString(),
      lowWatermark: low.toString(),
      highWatermark: high.toString(),
    });
    if (start >= high && waitMs === 0) return result([], start);

    const consumerLog = gatedLogger(log);
    const groupId = `connectorkit-fetch-${randomUUID()}`;
    const consumer = client.kafkaWithLog(consumerLog).consumer({ groupId, ...FETCH_CONSUMER });
    const release = client.own(consumer);
    const collected: KafkaMessage[] = [];
    let position = start;
    let settle: ((error?: unknown) => void) | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    let waitTimer: NodeJS.Timeout | undefined;
    const reachedEnd = (): void => {
      if (waitMs === 0) settle?.();
      else waitTimer ??= setTimeout(() => settle?.(), waitMs);
    };

    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = payload.memberAssignment[topic] ?? [];
      const others = assigned.filter((id) => id !== partition);
      if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
      consumer.seek({ topic, partition, offset: start.toString() });
      if (start >= high) reachedEnd();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => settle?.(payload.error));

    const eachBatch = async ({ batch }: EachBatchPayload): Promise<void> => {
      if (batch.partition !== partition || batch.topic !== topic) return;
      for (const message of batch.messages) {
        const offset = BigInt(message.offset);
        // A compressed record batch may start before the offset asked for.
        if (offset < position || collected.length >= maxMessages) continue;
        try {
          collected.push(decodeMessage({ topic, partition, message }, decode));
        } catch (error) {
          settle?.(error);
          return;
        }
        position = offset + 1n;
      }
      if (collected.length >= maxMessages) settle?.();
      else if (position >= high) reachedEnd();
    };

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        clearTimeout(waitTimer);
        consumerLog.close();
        release();
        await consumer.disconnect().catch(() => undefined);
        // The group never committed, so the broker would drop it by itself within minutes; this
        // just keeps `listGroups` tidy.
        await client.withAdmin((admin) => admin.deleteGroups([groupId])).catch(() => undefined);
      })());
    try {
      await abortable(
        (async () => {
          await consumer.connect();
          await consumer.subscribe({ topics: [topic], fromBeginning: true });
          await consumer.run({ autoCommit: false, eachBatch });
          await finished;
        })(),
        signal,
        stop,
      );
    } catch (error) {
      await stop();
      if (signal.aborted) throw error;
      throw toKafkaError(error, { topic });
    }
    await stop();
    return result(collected, position);
  },
});
