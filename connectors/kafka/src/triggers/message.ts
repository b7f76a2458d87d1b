import {
  ConnectorError,
  defineTrigger,
  isConnectorError,
  type Logger,
  type Static,
  Type,
  toConnectorError,
} from '@connectorkit/core';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { KafkaClient } from '../connection.js';
import { kafkaConnection } from '../connection.js';
import { toKafkaError } from '../error-mapping.js';
import { decodeMessage, KafkaMessage, type SourceMessage, ValueDecoding } from '../kafka-message.js';
import { ConsumerPipeline } from './consumer-pipeline.js';
import { deadLetterMessages } from './dead-letter.js';

export const MessageTriggerConfig = Type.Object(
  {
    groupId: Type.String({
      minLength: 1,
      description: 'Consumer group: members of one group share the partitions; each group gets every message',
    }),
    topics: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Topics to consume' }),
    ),
    pattern: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Regular expression of topic names to consume instead of `topics`; matched when the trigger starts (topics created later are picked up on the next start)',
      }),
    ),
    start: Type.Union([Type.Literal('committed'), Type.Literal('earliest'), Type.Literal('latest')], {
      default: 'committed',
      description:
        "committed: continue from the group's committed offsets (where there are none: earliest if `fromBeginning`, else latest); earliest/latest: begin this run at the log start or end of the partitions assigned when it starts, whatever was committed",
    }),
    fromBeginning: Type.Boolean({
      default: false,
      description: 'Where the group has no committed offset, begin at the earliest offset (else the latest)',
    }),
    mode: Type.Union([Type.Literal('each'), Type.Literal('batch')], {
      default: 'each',
      description:
        'each: one event (one flow run) per message; batch: one event per run of consecutive messages of a partition',
    }),
    batchSize: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 100,
      description: 'Most messages per batch event',
    }),
    maxInFlight: Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      default: 1_000,
      description:
        'Messages received and not yet done with, across partitions; when reached, partitions are paused until half of them are done',
    }),
    concurrency: Type.Integer({
      minimum: 1,
      maximum: 1_000,
      default: 1,
      description:
        'Partitions handled at the same time; within a partition messages are always handled in order',
    }),
    decode: ValueDecoding,
    deadLetterTopic: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Topic that receives a message whose handling failed (after the flow retry policy), with x-dlq-* headers saying why; then the message is committed. Without it a failed message is delivered again after retryDelayMs, blocking its partition',
      }),
    ),
    retryDelayMs: Type.Integer({
      minimum: 1,
      default: 1_000,
      description:
        'Wait before delivering a failed message again (no dead-letter topic) or retrying a failed dead-letter write; doubles up to 30 s',
    }),
    commitIntervalMs: Type.Integer({
      minimum: 1,
      default: 1_000,
      description:
        'Most time a finished offset waits to be committed while its partition is busy (an idle partition commits at once)',
    }),
    sessionTimeoutMs: Type.Integer({
      minimum: 1,
      default: 10_000,
      description:
        'A member that sends no heartbeat for this long is removed from the group and its partitions reassigned (broker limits: 6 s–30 min)',
    }),
    heartbeatIntervalMs: Type.Integer({
      minimum: 1,
      default: 1_000,
      description: 'Heartbeat period (below sessionTimeoutMs / 3)',
    }),
    rebalanceTimeoutMs: Type.Integer({
      minimum: 1,
      default: 10_000,
      description: 'How long the group waits for members to rejoin during a rebalance',
    }),
    maxWaitTimeMs: Type.Integer({
      minimum: 0,
      default: 500,
      description: 'How long a fetch waits at the broker for new messages',
    }),
    joinTimeoutMs: Type.Integer({
      minimum: 1,
      default: 60_000,
      description:
        'How long start waits for the consumer to join its group (a dead member delays it by up to sessionTimeoutMs)',
    }),
  },
  { additionalProperties: false },
);
export type MessageTriggerConfig = Static<typeof MessageTriggerConfig>;

export const KafkaBatch = Type.Object({
  topic: Type.String(),
  partition: Type.Integer({ minimum: 0 }),
  messages: Type.Array(KafkaMessage, { minItems: 1 }),
});
export type KafkaBatch = Static<typeof KafkaBatch>;

/** `each` mode emits a `KafkaMessage`, `batch` mode a `KafkaBatch` (tell them apart by `messages`). */
export const MessageEvent = Type.Union([KafkaMessage, KafkaBatch]);
export type MessageEvent = Static<typeof MessageEvent>;

/** Topics the trigger consumes: the configured ones (checked to exist) or those matching the pattern. */
async function resolveTopics(client: KafkaClient, config: MessageTriggerConfig): Promise<string[]> {
  if ((config.topics === undefined) === (config.pattern === undefined)) {
    throw new ConnectorError('INVALID_CONFIG', 'kafka.message: set exactly one of `topics` and `pattern`', {
      path: '$.topics',
    });
  }
  let pattern: RegExp | undefined;
  if (config.pattern !== undefined) {
    try {
      pattern = new RegExp(config.pattern);
    } catch (error) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `kafka.message: \`pattern\` is not a regular expression — ${(error as Error).message}`,
        {
          path: '$.pattern',
          cause: error,
        },
      );
    }
  }
  const existing = await client.withAdmin((admin) => admin.listTopics());
  if (config.deadLetterTopic !== undefined && !existing.includes(config.deadLetterTopic)) {
    throw new ConnectorError(
      'NOT_FOUND',
      `kafka.message: dead-letter topic '${config.deadLetterTopic}' does not exist — create it with kafka.createTopic`,
      { path: '$.deadLetterTopic', vendorCode: 'UNKNOWN_TOPIC_OR_PARTITION' },
    );
  }
  if (pattern !== undefined) {
    const matched = existing
      .filter(
        (topic) =>
          !topic.startsWith('__') && topic !== config.deadLetterTopic && (pattern as RegExp).test(topic),
      )
      .sort();
    if (matched.length === 0) {
      throw new ConnectorError('NOT_FOUND', `kafka.message: no topic matches pattern /${config.pattern}/`, {
        path: '$.pattern',
      });
    }
    return matched;
  }
  const topics = [...new Set(config.topics)];
  const missing = topics.filter((topic) => !existing.includes(topic));
  if (missing.length > 0) {
    throw new ConnectorError(
      'NOT_FOUND',
      `kafka.message: topic${missing.length > 1 ? 's' : ''} ${missing.map((topic) => `'${topic}'`).join(', ')} do${missing.length > 1 ? '' : 'es'} not exist — create ${missing.length > 1 ? 'them' : 'it'} with kafka.createTopic or check the name`,
      { path: '$.topics', vendorCode: 'UNKNOWN_TOPIC_OR_PARTITION' },
    );
  }
  if (config.deadLetterTopic !== undefined && topics.includes(config.deadLetterTopic)) {
    throw new ConnectorError(
      'INVALID_CONFIG',
      'kafka.message: the dead-letter topic cannot be one of the consumed topics',
      {
        path: '$.deadLetterTopic',
      },
    );
  }
  return topics;
}

/** Where `start: earliest|latest` begins, per topic and partition, read once when the trigger starts. */
async function startOffsets(
  client: KafkaClient,
  topics: readonly string[],
  start: 'earliest' | 'latest',
): Promise<Map<string, Map<number, string>>> {
  const positions = new Map<string, Map<number, string>>();
  for (const topic of topics) {
    const watermarks = await client.withAdmin((admin) => admin.fetchTopicOffsets(topic));
    positions.set(
      topic,
      new Map(watermarks.map((entry) => [entry.partition, start === 'earliest' ? entry.low : entry.high])),
    );
  }
  return positions;
}

/** True when `promise` settles within `ms`, false when the time ran out first. */
function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Waits `ms` unless `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

interface Handling {
  readonly client: KafkaClient;
  readonly config: MessageTriggerConfig;
  readonly emit: (event: MessageEvent) => Promise<void>;
  readonly log: Logger;
}

/**
 * The pipeline's `handle` (messages to the flow) and, in `each` mode, its `fallback` (what the
 * flow gives up on to the dead-letter topic); in batch mode `handle` does both. Each resolves
 * when the messages may be committed and rejects when they must be delivered again.
 */
function createHandler({ client, config, emit, log }: Handling) {
  const deadLetter = async (
    sources: readonly SourceMessage[],
    error: ConnectorError,
    signal: AbortSignal,
  ): Promise<void> => {
    const topic = config.deadLetterTopic;
    // A run cancelled (the runtime or the trigger is stopping) did not fail on the message:
    // it stays uncommitted and is delivered again, never parked.
    if (topic === undefined || error.code === 'CANCELLED' || signal.aborted) throw error;
    const messages = deadLetterMessages(sources, error, config.groupId);
    let delay = config.retryDelayMs;
    for (;;) {
      try {
        await client.withProducer(topic, (producer) => producer.send({ topic, messages, acks: -1 }));
        log.warn('message sent to the dead-letter topic', {
          deadLetterTopic: topic,
          topic: sources[0]?.topic,
          partition: sources[0]?.partition,
          offsets: sources.map((source) => source.message.offset),
          code: error.code,
        });
        return;
      } catch (sendError) {
        // Without the copy in the dead-letter topic the message must not be committed: keep
        // trying; stopping leaves it uncommitted, to be delivered again.
        log.error('could not write to the dead-letter topic; retrying', {
          deadLetterTopic: topic,
          retryInMs: delay,
          error: toKafkaError(sendError).message,
        });
        if (signal.aborted) throw error;
        await sleep(delay, signal);
        if (signal.aborted) throw error;
        delay = Math.min(delay * 2, 30_000);
      }
    }
  };

  const failure = (error: unknown): ConnectorError =>
    isConnectorError(error) ? error : toConnectorError(error, { connector: 'kafka', action: 'message' });

  if (config.mode === 'each') {
    return {
      // Not `async`, and no failure handler per message: this runs once per message. What
      // fails (a value that does not decode, a flow that fails) reaches `fallback`.
      handle: (sources: readonly SourceMessage[]): Promise<void> => {
        let event: KafkaMessage;
        try {
          event = decodeMessage(sources[0] as SourceMessage, config.decode);
        } catch (error) {
          return Promise.reject(error);
        }
        return emit(event);
      },
      fallback: (sources: readonly SourceMessage[], error: unknown, signal: AbortSignal) =>
        deadLetter(sources, failure(error), signal),
    };
  }
  const handle = async (sources: readonly SourceMessage[], signal: AbortSignal): Promise<void> => {
    const decoded: KafkaMessage[] = [];
    const decodedSources: SourceMessage[] = [];
    for (const source of sources) {
      try {
        decoded.push(decodeMessage(source, config.decode));
        decodedSources.push(source);
      } catch (error) {
        await deadLetter([source], failure(error), signal);
      }
    }
    const first = sources[0] as SourceMessage;
    if (decoded.length === 0) return;
    try {
      await emit({ topic: first.topic, partition: first.partition, messages: decoded });
    } catch (error) {
      await deadLetter(decodedSources, failure(error), signal);
    }
  };
  return { handle };
}

/**
 * Each message of the consumed topics, or each batch, starts a flow run. At-least-once: an
 * offset is committed only after the run for it (and for every earlier message of its
 * partition) succeeded or the message was written to the dead-letter topic.
 */
export const message = defineTrigger({
  connection: kafkaConnection,
  title: 'Kafka message',
  description:
    'Consumes topics (or a topic pattern) as a consumer group; each message, or each batch, becomes a flow run. Offsets are committed only after the run succeeded (at-least-once); failures go to a dead-letter topic with headers saying why, then are committed. Per-partition order is kept; in-flight messages are bounded (backpressure holds the fetch loop, a failing partition is paused).',
  config: MessageTriggerConfig,
  event: MessageEvent,
  delivery: 'at-least-once',
  start: async (config, ctx) => {
    const { client, log } = ctx;
    const topics = await resolveTopics(client, config).catch((error: unknown) => {
      throw toKafkaError(error);
    });
    const positions =
      config.start === 'committed'
        ? undefined
        : await startOffsets(client, topics, config.start).catch((error: unknown) => {
            throw toKafkaError(error);
          });

    let started = false;
    let stopping = false;
    const consumer: Consumer = client.kafkaWithLog(log).consumer({
      groupId: config.groupId,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: config.heartbeatIntervalMs,
      rebalanceTimeout: config.rebalanceTimeoutMs,
      maxWaitTimeInMs: config.maxWaitTimeMs,
      allowAutoTopicCreation: false,
      retry: {
        retries: 5,
        // kafkajs restarts a crashed consumer by itself; never before the first join (start
        // reports the failure instead) and never once the trigger is stopping.
        restartOnFailure: async () => started && !stopping,
      },
    });
    const release = client.own(consumer);

    const pipeline = new ConsumerPipeline({
      consumer,
      ...createHandler({ client, config, emit: (event) => ctx.emit(event), log }),
      maxInFlight: config.maxInFlight,
      concurrency: config.concurrency,
      batchSize: config.mode === 'each' ? 1 : config.batchSize,
      commitIntervalMs: config.commitIntervalMs,
      retryDelayMs: config.retryDelayMs,
      log,
    });

    let joined: (() => void) | undefined;
    let failed: ((error: unknown) => void) | undefined;
    const firstJoin = new Promise<void>((resolve, reject) => {
      joined = resolve;
      failed = reject;
    });
    firstJoin.catch(() => undefined);

    const removers = [
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const assignment = payload.memberAssignment;
        pipeline.assign(assignment);
        if (!started && positions !== undefined) {
          // Synchronous, inside kafkajs' join: the seeks apply before the first fetch.
          for (const [topic, partitions] of Object.entries(assignment)) {
            for (const partition of partitions) {
              const offset = positions.get(topic)?.get(partition);
              if (offset !== undefined) consumer.seek({ topic, partition, offset });
            }
          }
        }
        log.info('joined consumer group', { groupId: config.groupId, assignment });
        started = true;
        joined?.();
      }),
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        pipeline.revokeAll();
        if (!started) {
          failed?.(payload.error);
          return;
        }
        if (stopping) return;
        const level = payload.restart ? 'warn' : 'error';
        log[level](
          payload.restart
            ? 'consumer crashed; kafkajs restarts it and it resumes from the committed offsets'
            : 'consumer crashed and will not restart — stop and start the trigger after fixing the cause',
          { groupId: config.groupId, error: toKafkaError(payload.error).message },
        );
      }),
    ];

    const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
      let from = 0;
      for (;;) {
        const accepted = pipeline.accept(batch.topic, batch.partition, batch.messages, from);
        if (accepted.resolvedOffset !== undefined) resolveOffset(accepted.resolvedOffset);
        if (accepted.blocked !== 'full') return;
        from = accepted.next;
        // Backpressure: holding kafkajs' fetch loop here means nothing more is fetched until half
        // of the in-flight messages are done with. kafkajs heartbeats only between batches, so
        // this loop does (kafkajs sends one once per heartbeat interval); a rebalance makes
        // `heartbeat` throw, which hands control back to kafkajs to rejoin at once.
        let room = false;
        while (!room) {
          room = await settlesWithin(pipeline.room(), config.heartbeatIntervalMs);
          if (!isRunning() || isStale()) return;
          await heartbeat();
        }
      }
    };

    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        stopping = true;
        try {
          const assigned = pipeline.assignedPartitions();
          if (assigned.length > 0) consumer.pause(assigned);
        } catch {
          // Not running (crashed or never joined): nothing to pause.
        }
        await pipeline.stop();
        await consumer.disconnect().catch((error: unknown) => {
          log.warn('consumer disconnect failed', { error: toKafkaError(error).message });
        });
        for (const remove of removers) remove();
        release();
      })();
      return stopped;
    };

    try {
      await consumer.connect();
      await consumer.subscribe({
        topics,
        fromBeginning: config.start === 'earliest' || (config.start === 'committed' && config.fromBeginning),
      });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        firstJoin,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new ConnectorError(
                  'TIMEOUT',
                  `kafka.message: the consumer did not join group '${config.groupId}' within ${config.joinTimeoutMs} ms`,
                ),
              ),
            config.joinTimeoutMs,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    } catch (error) {
      await stop();
      throw toKafkaError(error, { groupId: config.groupId });
    }
    ctx.signal.addEventListener('abort', () => void stop(), { once: true });
    return stop;
  },
});
