import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createKafkaKit,
  deleteTopics,
  failure,
  type KafkaKit,
  rawAdmin,
  requireBroker,
  uniqueName,
} from '../test-fixtures/broker.js';

const topics: string[] = [];
const topic = (label: string): string => {
  const name = uniqueName(label);
  topics.push(name);
  return name;
};

let kit: KafkaKit;
let admin: Admin;

beforeAll(async () => {
  await requireBroker();
  kit = createKafkaKit();
  admin = await rawAdmin();
});

afterAll(async () => {
  await kit?.close();
  if (admin !== undefined) {
    await deleteTopics(admin, topics);
    await admin.disconnect();
  }
});

describe('produce and fetchMessages', () => {
  it('round-trips keys, headers, JSON and text values', async () => {
    const name = topic('roundtrip');
    await kit.invoke('kafka.createTopic', { topic: name, partitions: 1 });
    const produced = await kit.invoke('kafka.produce', {
      topic: name,
      messages: [
        {
          key: 'order-1',
          value: { id: 1, items: ['a', 'b'], total: 9.5 },
          headers: { source: 'shop', trace: ['x', 'y'] },
        },
        { key: 'order-2', value: 'plain text' },
        { key: null, value: null },
      ],
    });
    expect(produced).toEqual({ topic: name, partitions: [{ partition: 0, baseOffset: '0' }], count: 3 });

    const asText = await kit.invoke('kafka.fetchMessages', { topic: name, maxMessages: 10 });
    expect(asText.messages.map((message) => [message.offset, message.key, message.value])).toEqual([
      ['0', 'order-1', '{"id":1,"items":["a","b"],"total":9.5}'],
      ['1', 'order-2', 'plain text'],
      ['2', null, null],
    ]);
    expect(asText.messages[0]?.headers).toEqual({ source: 'shop', trace: ['x', 'y'] });
    expect(asText).toMatchObject({ nextOffset: '3', lowWatermark: '0', highWatermark: '3' });

    const first = await kit.invoke('kafka.fetchMessages', { topic: name, maxMessages: 1, decode: 'json' });
    expect(first.messages).toHaveLength(1);
    expect(first.messages[0]?.value).toEqual({ id: 1, items: ['a', 'b'], total: 9.5 });
    expect(first.nextOffset).toBe('1');
  });

  it('writes to a chosen partition with a timestamp, gzip-compressed, and reads from an offset', async () => {
    const name = topic('partitions');
    await kit.invoke('kafka.createTopic', { topic: name, partitions: 3 });
    const produced = await kit.invoke('kafka.produce', {
      topic: name,
      compression: 'gzip',
      acks: 'leader',
      messages: Array.from({ length: 5 }, (_, index) => ({
        value: `m${index}`,
        partition: 2,
        timestamp: '2024-05-06T07:08:09.000Z',
      })),
    });
    expect(produced.partitions).toEqual([{ partition: 2, baseOffset: '0' }]);
    const fetched = await kit.invoke('kafka.fetchMessages', { topic: name, partition: 2, offset: '3' });
    expect(fetched.messages.map((message) => message.value)).toEqual(['m3', 'm4']);
    expect(fetched.messages[0]?.timestamp).toBe('2024-05-06T07:08:09.000Z');
    const empty = await kit.invoke('kafka.fetchMessages', { topic: name, partition: 0 });
    expect(empty.messages).toEqual([]);
    const notThere = await failure(kit.invoke('kafka.fetchMessages', { topic: name, partition: 7 }));
    expect(notThere.code).toBe('NOT_FOUND');
  });

  it('spreads keyed messages over partitions by key, and acks none returns no offsets', async () => {
    const name = topic('keys');
    await kit.invoke('kafka.createTopic', { topic: name, partitions: 4 });
    const produced = await kit.invoke('kafka.produce', {
      topic: name,
      messages: Array.from({ length: 40 }, (_, index) => ({ key: `customer-${index}`, value: { index } })),
    });
    expect(produced.partitions.length).toBeGreaterThan(1);
    const fireAndForget = await kit.invoke('kafka.produce', {
      topic: name,
      acks: 'none',
      messages: [{ value: 'x' }],
    });
    expect(fireAndForget.count).toBe(1);
  });

  it('waits for messages that arrive after the end with `latest` and waitMs', async () => {
    const name = topic('latest');
    await kit.invoke('kafka.createTopic', { topic: name });
    await kit.invoke('kafka.produce', { topic: name, messages: [{ value: 'old' }] });
    const pending = kit.invoke('kafka.fetchMessages', {
      topic: name,
      offset: 'latest',
      waitMs: 4_000,
      maxMessages: 1,
    });
    setTimeout(() => void kit.invoke('kafka.produce', { topic: name, messages: [{ value: 'new' }] }), 1_500);
    const fetched = await pending;
    expect(fetched.messages.map((message) => message.value)).toEqual(['new']);
  });

  it('ends a fetch on cancel, leaving no consumer in any group', async () => {
    const name = topic('cancel');
    await kit.invoke('kafka.createTopic', { topic: name });
    const clientId = uniqueName('fetch-client');
    const own = createKafkaKit({ clientId });
    try {
      const controller = new AbortController();
      const pending = own.invoke(
        'kafka.fetchMessages',
        { topic: name, waitMs: 30_000 },
        { signal: controller.signal },
      );
      setTimeout(() => controller.abort(), 800);
      expect((await failure(pending)).code).toBe('CANCELLED');
      const timedOut = await failure(
        own.invoke('kafka.fetchMessages', { topic: name, waitMs: 30_000 }, { timeoutMs: 600 }),
      );
      expect(timedOut.code).toBe('TIMEOUT');
      // Disconnecting leaves the group at once, which the broker settles in a moment; a consumer
      // that only vanished would stay a member for its 10 s session timeout.
      const members = async () => {
        const { groups } = await admin.listGroups();
        const fetchGroups = groups
          .map((group) => group.groupId)
          .filter((id) => id.startsWith('connectorkit-fetch-'));
        const described = fetchGroups.length === 0 ? [] : (await admin.describeGroups(fetchGroups)).groups;
        return described.flatMap((group) => group.members).filter((member) => member.clientId === clientId);
      };
      await vi.waitFor(async () => expect(await members()).toEqual([]), { timeout: 6_000, interval: 200 });
    } finally {
      await own.close();
    }
  });

  it('maps failures: unknown topic, bad input, unreachable broker', async () => {
    const missing = uniqueName('missing');
    expect(
      (await failure(kit.invoke('kafka.produce', { topic: missing, messages: [{ value: 'x' }] }))).code,
    ).toBe('NOT_FOUND');
    expect((await failure(kit.invoke('kafka.fetchMessages', { topic: missing }))).code).toBe('NOT_FOUND');
    const badInput = await failure(kit.invoke('kafka.produce', { topic: 'x', messages: [] }));
    expect(badInput.code).toBe('INVALID_INPUT');
    expect(badInput.path).toBe('$.messages');
    const down = createKafkaKit({ brokers: ['127.0.0.1:1'], retries: 0 });
    try {
      const error = await failure(down.invoke('kafka.listTopics', {}, { retry: false }));
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.retryable).toBe(true);
    } finally {
      await down.close();
    }
  });
});

describe('topic administration', () => {
  it('creates, lists, describes and deletes topics', async () => {
    const name = topic('admin');
    expect(
      await kit.invoke('kafka.createTopic', {
        topic: name,
        partitions: 3,
        config: { 'retention.ms': '3600000' },
      }),
    ).toEqual({ topic: name, created: true });
    expect(await kit.invoke('kafka.createTopic', { topic: name, partitions: 3 })).toEqual({
      topic: name,
      created: false,
    });

    const { topics: listed } = await kit.invoke('kafka.listTopics', { prefix: name });
    expect(listed).toEqual([name]);
    const all = await kit.invoke('kafka.listTopics', {});
    expect(all.topics).toContain(name);
    expect(all.topics.some((entry) => entry.startsWith('__'))).toBe(false);
    expect((await kit.invoke('kafka.listTopics', { includeInternal: true })).topics).toContain(
      '__consumer_offsets',
    );

    await kit.invoke('kafka.produce', {
      topic: name,
      messages: [
        { value: 'a', partition: 1 },
        { value: 'b', partition: 1 },
      ],
    });
    const described = await kit.invoke('kafka.describeTopic', { topic: name });
    expect(described.partitions.map((partition) => partition.partition)).toEqual([0, 1, 2]);
    for (const partition of described.partitions) {
      expect(partition.leader).toBeGreaterThanOrEqual(0);
      expect(partition.replicas).toEqual([partition.leader]);
      expect(partition.isr).toEqual([partition.leader]);
    }
    expect(described.partitions[1]).toMatchObject({ low: '0', high: '2', messages: 2 });
    expect(described.partitions[0]).toMatchObject({ low: '0', high: '0', messages: 0 });

    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name, configNames: ['retention.ms'] }],
    });
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('3600000');

    expect(await kit.invoke('kafka.deleteTopic', { topic: name })).toEqual({ topic: name, deleted: true });
    expect((await failure(kit.invoke('kafka.deleteTopic', { topic: name }))).code).toBe('NOT_FOUND');
    expect(await kit.invoke('kafka.deleteTopic', { topic: name, ifExists: true })).toEqual({
      topic: name,
      deleted: false,
    });
    expect((await failure(kit.invoke('kafka.describeTopic', { topic: name }))).code).toBe('NOT_FOUND');
  });

  it('rejects what the broker rejects, with codes', async () => {
    const name = topic('invalid');
    const factor = await failure(kit.invoke('kafka.createTopic', { topic: name, replicationFactor: 3 }));
    expect(factor.code).toBe('INVALID_INPUT');
    expect(factor.vendorCode).toBe('INVALID_REPLICATION_FACTOR');
    const config = await failure(
      kit.invoke('kafka.createTopic', { topic: name, config: { 'cleanup.policy': 'sometimes' } }),
    );
    expect(config.code).toBe('INVALID_INPUT');
  });
});

describe('consumer group offsets', () => {
  it('reports committed offsets and lag, and resets them', async () => {
    const name = topic('offsets');
    const groupId = uniqueName('group');
    await kit.invoke('kafka.createTopic', { topic: name, partitions: 2 });
    await kit.invoke('kafka.produce', {
      topic: name,
      messages: [
        ...Array.from({ length: 6 }, (_, index) => ({ value: `p0-${index}`, partition: 0 })),
        ...Array.from({ length: 4 }, (_, index) => ({ value: `p1-${index}`, partition: 1 })),
      ],
    });

    const unknown = await kit.invoke('kafka.groupOffsets', { groupId });
    expect(unknown).toMatchObject({ groupId, state: 'Dead', members: 0, totalLag: 0, topics: [] });
    const before = await kit.invoke('kafka.groupOffsets', { groupId, topics: [name] });
    expect(before.totalLag).toBe(10);
    expect(before.topics[0]?.partitions).toEqual([
      { partition: 0, committed: null, high: '6', lag: 6 },
      { partition: 1, committed: null, high: '4', lag: 4 },
    ]);

    expect(
      await kit.invoke('kafka.resetOffsets', {
        groupId,
        topic: name,
        to: { offsets: [{ partition: 0, offset: '2' }] },
      }),
    ).toEqual({ groupId, topic: name, partitions: [{ partition: 0, offset: '2' }] });
    const afterSet = await kit.invoke('kafka.groupOffsets', { groupId });
    expect(afterSet.topics).toEqual([
      { topic: name, partitions: [{ partition: 0, committed: '2', high: '6', lag: 4 }] },
    ]);

    await kit.invoke('kafka.resetOffsets', { groupId, topic: name, to: 'latest' });
    expect((await kit.invoke('kafka.groupOffsets', { groupId, topics: [name] })).totalLag).toBe(0);
    await kit.invoke('kafka.resetOffsets', { groupId, topic: name, to: 'earliest' });
    expect((await kit.invoke('kafka.groupOffsets', { groupId, topics: [name] })).totalLag).toBe(10);
    const byTime = await kit.invoke('kafka.resetOffsets', {
      groupId,
      topic: name,
      to: { timestamp: Date.now() + 60_000 },
    });
    expect(byTime.partitions).toEqual([
      { partition: 0, offset: '6' },
      { partition: 1, offset: '4' },
    ]);
  });

  it('refuses to reset a group with running members (CONFLICT)', async () => {
    const name = topic('busy');
    const groupId = uniqueName('busy-group');
    await kit.invoke('kafka.createTopic', { topic: name });
    const running = await kit.startTrigger(
      'kafka.message',
      { groupId, topics: [name] },
      { handler: async () => undefined },
    );
    try {
      const error = await failure(kit.invoke('kafka.resetOffsets', { groupId, topic: name, to: 'earliest' }));
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toContain(groupId);
    } finally {
      await running.stop();
    }
    expect((await kit.invoke('kafka.groupOffsets', { groupId, topics: [name] })).state).toBe('Empty');
  });
});
