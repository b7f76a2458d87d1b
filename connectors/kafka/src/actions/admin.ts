import { ConnectorError, defineAction, Type } from '@connectorkit/core';
import type { Admin } from 'kafkajs';
import { abortable } from '../abortable.js';
import { type KafkaClient, kafkaConnection } from '../connection.js';
import { type KafkaErrorContext, toKafkaError } from '../error-mapping.js';

const TopicName = Type.String({
  minLength: 1,
  maxLength: 249,
  pattern: '^[a-zA-Z0-9._-]+$',
  description: 'Topic name: letters, digits, ".", "_" and "-"',
});
const GroupId = Type.String({ minLength: 1, description: 'Consumer group id' });
const Offset = Type.String({ pattern: '^-?\\d+$', description: 'An offset (64-bit integer, as text)' });

/** Runs one admin operation: races the signal, maps kafkajs failures onto ConnectorError codes. */
async function call<T>(
  { client, signal }: { client: KafkaClient; signal: AbortSignal },
  context: KafkaErrorContext,
  operation: (admin: Admin) => Promise<T>,
): Promise<T> {
  try {
    return await abortable(client.withAdmin(operation), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    throw toKafkaError(error, context);
  }
}

/** Fails with NOT_FOUND (instead of kafkajs' retries and a generic error) when a topic is absent. */
async function requireTopic(admin: Admin, topic: string): Promise<void> {
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) {
    throw new ConnectorError(
      'NOT_FOUND',
      `topic '${topic}' does not exist — create it with kafka.createTopic or check the name`,
      { vendorCode: 'UNKNOWN_TOPIC_OR_PARTITION' },
    );
  }
}

/**
 * Commits offsets for a group that has no running members, as kafkajs' `admin.setOffsets` does
 * (join with a paused consumer, seek, leave) but without its fixed 5 s fetch wait.
 */
async function commitGroupOffsets(
  client: KafkaClient,
  groupId: string,
  topic: string,
  partitions: readonly { partition: number; offset: string }[],
  signal: AbortSignal,
): Promise<void> {
  const consumer = client.kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 50,
    allowAutoTopicCreation: false,
    retry: { retries: 2, restartOnFailure: async () => false },
  });
  const release = client.own(consumer);
  try {
    await abortable(
      (async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          // The first fetch after the seeks: kafkajs commits a seek (autoCommit) before fetching.
          consumer.on(consumer.events.FETCH, () => resolve());
          consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
          consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => undefined }).catch(reject);
          // `run` creates the group state synchronously; the seeks apply at the first fetch.
          consumer.pause([{ topic }]);
          for (const { partition, offset } of partitions) consumer.seek({ topic, partition, offset });
        });
      })(),
      signal,
      () => consumer.disconnect(),
    );
  } finally {
    release();
    await consumer.disconnect().catch(() => undefined);
  }
}

export const createTopic = defineAction({
  connection: kafkaConnection,
  title: 'Create topic',
  description:
    'Creates a topic with a number of partitions, a replication factor and topic configs; `created` is false when it already existed.',
  input: Type.Object(
    {
      topic: TopicName,
      partitions: Type.Optional(
        Type.Integer({ minimum: 1, default: 1, description: 'Number of partitions' }),
      ),
      replicationFactor: Type.Optional(
        Type.Integer({
          minimum: 1,
          default: 1,
          description: 'Copies of each partition (at most the number of brokers)',
        }),
      ),
      config: Type.Optional(
        Type.Record(Type.String(), Type.String(), {
          description: 'Topic configs, e.g. { "retention.ms": "86400000", "cleanup.policy": "compact" }',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ topic: Type.String(), created: Type.Boolean() }),
  idempotent: true,
  examples: [{ input: { topic: 'orders', partitions: 3, config: { 'retention.ms': '604800000' } } }],
  run: ({ topic, partitions, replicationFactor, config }, context) =>
    call(context, { topic }, async (admin) => {
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: partitions ?? 1,
            replicationFactor: replicationFactor ?? 1,
            configEntries: Object.entries(config ?? {}).map(([name, value]) => ({ name, value })),
          },
        ],
      });
      return { topic, created };
    }),
});

export const deleteTopic = defineAction({
  connection: kafkaConnection,
  title: 'Delete topic',
  description:
    'Deletes a topic and its messages. NOT_FOUND when it does not exist, unless `ifExists` is true (then `deleted` is false).',
  input: Type.Object(
    {
      topic: TopicName,
      ifExists: Type.Optional(
        Type.Boolean({ default: false, description: 'Succeed quietly when the topic is absent' }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ topic: Type.String(), deleted: Type.Boolean() }),
  idempotent: false,
  examples: [{ input: { topic: 'orders-scratch', ifExists: true } }],
  run: ({ topic, ifExists }, context) =>
    call(context, { topic }, async (admin) => {
      const topics = await admin.listTopics();
      if (!topics.includes(topic)) {
        if (ifExists === true) return { topic, deleted: false };
        await requireTopic(admin, topic);
      }
      await admin.deleteTopics({ topics: [topic] });
      return { topic, deleted: true };
    }),
});

export const listTopics = defineAction({
  connection: kafkaConnection,
  title: 'List topics',
  description: 'Lists topic names, sorted; internal topics (starting with "__") only when asked.',
  input: Type.Object(
    {
      prefix: Type.Optional(Type.String({ description: 'Only topics whose name starts with this' })),
      includeInternal: Type.Optional(
        Type.Boolean({ default: false, description: 'Include __consumer_offsets and the like' }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ topics: Type.Array(Type.String()) }),
  idempotent: true,
  examples: [{ input: { prefix: 'orders' } }],
  run: ({ prefix, includeInternal }, context) =>
    call(context, {}, async (admin) => {
      const topics = (await admin.listTopics())
        .filter((name) => includeInternal === true || !name.startsWith('__'))
        .filter((name) => prefix === undefined || name.startsWith(prefix))
        .sort();
      return { topics };
    }),
});

const PartitionDescription = Type.Object({
  partition: Type.Integer(),
  leader: Type.Integer({ description: 'Broker id of the leader; -1 when none' }),
  replicas: Type.Array(Type.Integer()),
  isr: Type.Array(Type.Integer(), { description: 'In-sync replicas' }),
  offlineReplicas: Type.Array(Type.Integer()),
  low: Offset,
  high: Type.String({ description: 'High watermark: the offset the next message will get' }),
  messages: Type.Integer({ description: 'high − low: messages currently retained' }),
});

export const describeTopic = defineAction({
  connection: kafkaConnection,
  title: 'Describe topic',
  description:
    'Describes a topic: each partition with its leader, replicas, in-sync replicas and low/high offsets. NOT_FOUND when it does not exist.',
  input: Type.Object({ topic: TopicName }, { additionalProperties: false }),
  output: Type.Object({ topic: Type.String(), partitions: Type.Array(PartitionDescription) }),
  idempotent: true,
  examples: [{ input: { topic: 'orders' } }],
  run: ({ topic }, context) =>
    call(context, { topic }, async (admin) => {
      await requireTopic(admin, topic);
      const [metadata, offsets] = await Promise.all([
        admin.fetchTopicMetadata({ topics: [topic] }),
        admin.fetchTopicOffsets(topic),
      ]);
      const partitions = (metadata.topics[0]?.partitions ?? [])
        .map((partition) => {
          const offset = offsets.find((entry) => entry.partition === partition.partitionId);
          const low = offset?.low ?? '0';
          const high = offset?.high ?? '0';
          return {
            partition: partition.partitionId,
            leader: partition.leader,
            replicas: partition.replicas,
            isr: partition.isr,
            offlineReplicas: partition.offlineReplicas ?? [],
            low,
            high,
            messages: Math.max(0, Number(BigInt(high) - BigInt(low))),
          };
        })
        .sort((a, b) => a.partition - b.partition);
      return { topic, partitions };
    }),
});

const GroupPartitionOffsets = Type.Object({
  partition: Type.Integer(),
  committed: Type.Union([Offset, Type.Null()], {
    description: 'Committed offset (next to read); null if none',
  }),
  high: Offset,
  lag: Type.Integer({ description: 'Messages not yet committed: high − committed (high − low when none)' }),
});

export const groupOffsets = defineAction({
  connection: kafkaConnection,
  title: 'Consumer group offsets',
  description:
    "Reads a consumer group's committed offsets and lag per partition, with the group state (Stable, Empty, Dead …). Without `topics`, every topic the group has offsets for.",
  input: Type.Object(
    {
      groupId: GroupId,
      topics: Type.Optional(Type.Array(TopicName, { minItems: 1, description: 'Topics to report' })),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    groupId: Type.String(),
    state: Type.String({
      description: 'Group state: Stable, Empty, PreparingRebalance, Dead (unknown group) …',
    }),
    members: Type.Integer(),
    totalLag: Type.Integer(),
    topics: Type.Array(Type.Object({ topic: Type.String(), partitions: Type.Array(GroupPartitionOffsets) })),
  }),
  idempotent: true,
  examples: [{ input: { groupId: 'billing', topics: ['orders'] } }],
  run: ({ groupId, topics }, context) =>
    call(context, { groupId }, async (admin) => {
      if (topics !== undefined) for (const topic of topics) await requireTopic(admin, topic);
      const [committed, description] = await Promise.all([
        admin.fetchOffsets({ groupId, ...(topics === undefined ? {} : { topics }) }),
        admin.describeGroups([groupId]),
      ]);
      const group = description.groups.find((entry) => entry.groupId === groupId);
      let totalLag = 0;
      const reported = [];
      for (const { topic, partitions } of committed.sort((a, b) => a.topic.localeCompare(b.topic))) {
        const watermarks = await admin.fetchTopicOffsets(topic);
        const rows = partitions
          .map(({ partition, offset }) => {
            const marks = watermarks.find((entry) => entry.partition === partition);
            const high = BigInt(marks?.high ?? '0');
            const low = BigInt(marks?.low ?? '0');
            const hasCommit = BigInt(offset) >= 0n;
            const from = hasCommit ? BigInt(offset) : low;
            const lag = Number(high > from ? high - from : 0n);
            totalLag += lag;
            return { partition, committed: hasCommit ? offset : null, high: high.toString(), lag };
          })
          .sort((a, b) => a.partition - b.partition);
        reported.push({ topic, partitions: rows });
      }
      return {
        groupId,
        state: group?.state ?? 'Dead',
        members: group?.members.length ?? 0,
        totalLag,
        topics: reported,
      };
    }),
});

export const resetOffsets = defineAction({
  connection: kafkaConnection,
  title: 'Reset consumer group offsets',
  description:
    "Moves a consumer group's committed offsets on a topic to the earliest or latest offset, to a point in time, or to given offsets per partition. The group must have no running members (CONFLICT otherwise).",
  input: Type.Object(
    {
      groupId: GroupId,
      topic: TopicName,
      to: Type.Union(
        [
          Type.Literal('earliest'),
          Type.Literal('latest'),
          Type.Object(
            {
              timestamp: Type.Union([Type.Integer({ minimum: 0 }), Type.String({ format: 'date-time' })], {
                description: 'The first offset at or after this time (epoch ms or ISO 8601)',
              }),
            },
            { additionalProperties: false },
          ),
          Type.Object(
            {
              offsets: Type.Array(
                Type.Object(
                  { partition: Type.Integer({ minimum: 0 }), offset: Offset },
                  { additionalProperties: false },
                ),
                { minItems: 1 },
              ),
            },
            { additionalProperties: false },
          ),
        ],
        { description: "'earliest', 'latest', { timestamp } or { offsets: [{ partition, offset }] }" },
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    groupId: Type.String(),
    topic: Type.String(),
    partitions: Type.Array(Type.Object({ partition: Type.Integer(), offset: Offset })),
  }),
  idempotent: true,
  examples: [{ input: { groupId: 'billing', topic: 'orders', to: 'earliest' } }],
  run: ({ groupId, topic, to }, context) =>
    call(context, { topic, groupId }, async (admin) => {
      await requireTopic(admin, topic);
      const { groups } = await admin.describeGroups([groupId]);
      const state = groups.find((entry) => entry.groupId === groupId)?.state ?? 'Dead';
      if (state !== 'Empty' && state !== 'Dead') {
        throw new ConnectorError(
          'CONFLICT',
          `consumer group '${groupId}' is ${state} with running members — stop its consumers (triggers) before resetting offsets`,
          { vendorCode: 'NON_EMPTY_GROUP' },
        );
      }
      let partitions: { partition: number; offset: string }[];
      if (to === 'earliest' || to === 'latest') {
        const watermarks = await admin.fetchTopicOffsets(topic);
        partitions = watermarks.map((entry) => ({
          partition: entry.partition,
          offset: to === 'earliest' ? entry.low : entry.high,
        }));
      } else if ('timestamp' in to) {
        const millis = typeof to.timestamp === 'number' ? to.timestamp : Date.parse(to.timestamp);
        partitions = await admin.fetchTopicOffsetsByTimestamp(topic, millis);
      } else {
        partitions = to.offsets.map(({ partition, offset }) => ({ partition, offset }));
      }
      partitions.sort((a, b) => a.partition - b.partition);
      await commitGroupOffsets(context.client, groupId, topic, partitions, context.signal);
      return { groupId, topic, partitions };
    }),
});
