import { ConnectorError, type RunningTrigger } from '@connectorkit/core';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaMessage } from '../kafka-message.js';
import {
  createKafkaKit,
  deleteTopics,
  eventually,
  type KafkaKit,
  produceOnce,
  rawAdmin,
  requireBroker,
  type TestMessage,
  uniqueName,
} from '../test-fixtures/broker.js';
import { DEAD_LETTER_HEADERS } from './dead-letter.js';
import type { KafkaBatch, MessageEvent } from './message.js';

const topics: string[] = [];
let kit: KafkaKit;
let admin: Admin;

/** Consumer settings that keep a single-broker test run short (see the README). */
const FAST = {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  rebalanceTimeoutMs: 6_000,
  maxWaitTimeMs: 100,
};

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

async function newTopic(label: string, partitions = 1): Promise<string> {
  const name = uniqueName(label);
  topics.push(name);
  await kit.invoke('kafka.createTopic', { topic: name, partitions });
  return name;
}

async function produce(topic: string, count: number, message: (index: number) => TestMessage) {
  await produceOnce(
    topic,
    Array.from({ length: count }, (_, index) => ({ value: String(index), ...message(index) })),
  );
}

const isMessage = (event: MessageEvent): event is KafkaMessage => !('messages' in event);

describe('kafka.message trigger', () => {
  it('hands each message to the handler and commits it, with keys, headers and JSON', async () => {
    const topic = await newTopic('each', 2);
    const groupId = uniqueName('each-group');
    await produce(topic, 20, (index) => ({
      key: `k${index % 4}`,
      value: { index },
      headers: { n: String(index) },
    }));
    const seen: KafkaMessage[] = [];
    const running = await kit.startTrigger(
      'kafka.message',
      { groupId, topics: [topic], fromBeginning: true, decode: 'json', ...FAST },
      {
        handler: async (event) => {
          if (isMessage(event)) seen.push(event);
        },
      },
    );
    await eventually(() => seen.length >= 20, '20 messages');
    await running.stop();
    expect(new Set(seen.map((event) => (event.value as { index: number }).index)).size).toBe(20);
    const sample = seen.find((event) => (event.value as { index: number }).index === 5);
    expect(sample).toMatchObject({ topic, key: 'k1', headers: { n: '5' }, value: { index: 5 } });
    // Per-partition order: offsets of each partition arrive ascending.
    for (const partition of [0, 1]) {
      const offsets = seen
        .filter((event) => event.partition === partition)
        .map((event) => Number(event.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
    const offsets = await kit.invoke('kafka.groupOffsets', { groupId, topics: [topic] });
    expect(offsets.totalLag).toBe(0);
    expect(offsets.state).toBe('Empty');
  });

  it('sends what the handler fails on to the dead-letter topic with headers, processes the rest, commits all', async () => {
    const topic = await newTopic('dlq-source', 2);
    const deadLetterTopic = await newTopic('dlq');
    const groupId = uniqueName('dlq-group');
    await produce(topic, 30, (index) => ({
      key: `order-${index}`,
      value: { index },
      headers: { trace: `t${index}` },
    }));
    const processed: number[] = [];
    const running = await kit.startTrigger(
      'kafka.message',
      { groupId, topics: [topic], fromBeginning: true, decode: 'json', deadLetterTopic, ...FAST },
      {
        handler: async (event) => {
          if (!isMessage(event)) return;
          const { index } = event.value as { index: number };
          if (index % 7 === 3) throw new ConnectorError('INVALID_INPUT', `order ${index} has no customer`);
          processed.push(index);
        },
      },
    );
    const failing = [3, 10, 17, 24];
    try {
      await eventually(async () => {
        const { partitions } = await kit.invoke('kafka.describeTopic', { topic: deadLetterTopic });
        return processed.length === 26 && partitions[0]?.high === '4';
      }, 'the rest processed and the failures in the DLQ');
      await eventually(
        async () => (await kit.invoke('kafka.groupOffsets', { groupId, topics: [topic] })).totalLag === 0,
        'all offsets committed',
      );
    } finally {
      await running.stop();
    }
    expect(processed.sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, index) => index).filter((index) => !failing.includes(index)),
    );
    const parked = await kit.invoke('kafka.fetchMessages', {
      topic: deadLetterTopic,
      maxMessages: 10,
      decode: 'json',
    });
    expect(
      parked.messages.map((message) => (message.value as { index: number }).index).sort((a, b) => a - b),
    ).toEqual(failing);
    const first = parked.messages.find((message) => (message.value as { index: number }).index === 3);
    expect(first?.key).toBe('order-3');
    expect(first?.headers).toMatchObject({
      trace: 't3',
      [DEAD_LETTER_HEADERS.errorCode]: 'INVALID_INPUT',
      [DEAD_LETTER_HEADERS.errorMessage]: 'order 3 has no customer',
      [DEAD_LETTER_HEADERS.originalTopic]: topic,
      [DEAD_LETTER_HEADERS.consumerGroup]: groupId,
    });
    const headers = first?.headers ?? {};
    expect(Number(headers[DEAD_LETTER_HEADERS.originalPartition])).toBeGreaterThanOrEqual(0);
    expect(headers[DEAD_LETTER_HEADERS.originalOffset]).toMatch(/^\d+$/);
    expect(Date.parse(String(headers[DEAD_LETTER_HEADERS.failedAt]))).not.toBeNaN();
  });

  it('never parks a message whose run was cancelled: it is delivered again', async () => {
    const topic = await newTopic('cancelled-source');
    const deadLetterTopic = await newTopic('cancelled-dlq');
    const groupId = uniqueName('cancelled-group');
    await produce(topic, 3, () => ({}));
    const calls: string[] = [];
    const running = await kit.startTrigger(
      'kafka.message',
      { groupId, topics: [topic], fromBeginning: true, deadLetterTopic, retryDelayMs: 20, ...FAST },
      {
        handler: async (event) => {
          if (!isMessage(event)) return;
          calls.push(String(event.value));
          // What the flow runtime answers while it is shutting down.
          if (event.value === '1' && calls.filter((call) => call === '1').length === 1)
            throw new ConnectorError('CANCELLED', 'the flow runtime is stopping');
        },
      },
    );
    try {
      await eventually(() => calls.includes('2'), 'the last message');
      await eventually(
        async () => (await kit.invoke('kafka.groupOffsets', { groupId, topics: [topic] })).totalLag === 0,
        'all offsets committed',
      );
    } finally {
      await running.stop();
    }
    expect(calls).toEqual(['0', '1', '1', '2']);
    const { partitions } = await kit.invoke('kafka.describeTopic', { topic: deadLetterTopic });
    expect(partitions[0]?.high).toBe('0');
  });

  it('parks a value that is not JSON without calling the handler', async () => {
    const topic = await newTopic('bad-json');
    const deadLetterTopic = await newTopic('bad-json-dlq');
    const groupId = uniqueName('bad-json-group');
    await kit.invoke('kafka.produce', {
      topic,
      messages: [{ value: '{"ok":1}' }, { value: 'not json' }, { value: '{"ok":2}' }],
    });
    const values: unknown[] = [];
    const running = await kit.startTrigger(
      'kafka.message',
      { groupId, topics: [topic], fromBeginning: true, decode: 'json', deadLetterTopic, ...FAST },
      { handler: async (event) => void (isMessage(event) && values.push(event.value)) },
    );
    try {
      await eventually(async () => {
        const { partitions } = await kit.invoke('kafka.describeTopic', { topic: deadLetterTopic });
        return values.length === 2 && partitions[0]?.high === '1';
      }, 'two handled, one parked');
    } finally {
      await running.stop();
    }
    expect(values).toEqual([{ ok: 1 }, { ok: 2 }]);
    const [parked] = (await kit.invoke('kafka.fetchMessages', { topic: deadLetterTopic })).messages;
    expect(parked?.value).toBe('not json');
    expect(parked?.headers[DEAD_LETTER_HEADERS.errorCode]).toBe('INVALID_INPUT');
  });

  it('without a dead-letter topic, delivers a failed message again, in order, before the next', async () => {
    const topic = await newTopic('redeliver');
    const groupId = uniqueName('redeliver-group');
    await produce(topic, 5, () => ({}));
    const calls: string[] = [];
    let failures = 0;
    const running = await kit.startTrigger(
      'kafka.message',
      { groupId, topics: [topic], fromBeginning: true, retryDelayMs: 50, ...FAST },
      {
        handler: async (event) => {
          if (!isMessage(event)) return;
          calls.push(String(event.value));
          if (event.value === '2' && failures < 2) {
            failures++;
            throw new Error('downstream is down');
          }
        },
      },
    );
    await eventually(() => calls.filter((call) => call === '4').length === 1, 'the last message');
    await running.stop();
    expect(calls).toEqual(['0', '1', '2', '2', '2', '3', '4']);
    expect((await kit.invoke('kafka.groupOffsets', { groupId, topics: [topic] })).totalLag).toBe(0);
  });

  it('emits batches of consecutive messages in batch mode', async () => {
    const topic = await newTopic('batch');
    const groupId = uniqueName('batch-group');
    await produce(topic, 250, () => ({}));
    const batches: KafkaBatch[] = [];
    const running = await kit.startTrigger(
      'kafka.message',
      { groupId, topics: [topic], fromBeginning: true, mode: 'batch', batchSize: 100, ...FAST },
      {
        handler: async (event) => {
          if (!isMessage(event)) batches.push(event);
        },
      },
    );
    await eventually(
      () => batches.reduce((sum, batch) => sum + batch.messages.length, 0) >= 250,
      '250 messages',
    );
    await running.stop();
    const values = batches.flatMap((batch) => batch.messages.map((message) => Number(message.value)));
    expect(values).toEqual(Array.from({ length: 250 }, (_, index) => index));
    expect(Math.max(...batches.map((batch) => batch.messages.length))).toBeLessThanOrEqual(100);
    expect(batches.every((batch) => batch.topic === topic && batch.partition === 0)).toBe(true);
  });

  it('stays within maxInFlight and concurrency under a backlog, keeping order', async () => {
    const topic = await newTopic('backlog', 3);
    const groupId = uniqueName('backlog-group');
    await produce(topic, 600, (index) => ({ partition: index % 3 }));
    let active = 0;
    let peak = 0;
    const seen = new Map<number, number[]>();
    const running = await kit.startTrigger(
      'kafka.message',
      { groupId, topics: [topic], fromBeginning: true, maxInFlight: 20, concurrency: 2, ...FAST },
      {
        handler: async (event) => {
          if (!isMessage(event)) return;
          active++;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setImmediate(resolve));
          active--;
          const list = seen.get(event.partition) ?? [];
          list.push(Number(event.offset));
          seen.set(event.partition, list);
        },
      },
    );
    await eventually(
      () => [...seen.values()].reduce((sum, list) => sum + list.length, 0) >= 600,
      '600 messages',
    );
    await running.stop();
    expect(peak).toBeLessThanOrEqual(2);
    for (const partition of [0, 1, 2]) {
      expect(seen.get(partition)).toEqual(Array.from({ length: 200 }, (_, index) => index));
    }
  });

  it('starts at latest, at earliest, or where the group committed', async () => {
    const topic = await newTopic('start');
    const groupId = uniqueName('start-group');
    await produce(topic, 3, (index) => ({ value: `before-${index}` }));
    const collect = async (config: Record<string, unknown>, produceAfter: string[], expected: number) => {
      const values: string[] = [];
      const running = await kit.startTrigger(
        'kafka.message',
        { groupId, topics: [topic], ...FAST, ...config },
        { handler: async (event) => void (isMessage(event) && values.push(String(event.value))) },
      );
      try {
        if (produceAfter.length > 0) {
          await kit.invoke('kafka.produce', { topic, messages: produceAfter.map((value) => ({ value })) });
        }
        await eventually(() => values.length >= expected, `${expected} messages`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      } finally {
        await running.stop();
      }
      return values;
    };
    expect(await collect({ start: 'latest' }, ['after-1'], 1)).toEqual(['after-1']);
    // The group now has committed offsets: `committed` continues after them.
    expect(await collect({ start: 'committed' }, ['after-2'], 1)).toEqual(['after-2']);
    expect(await collect({ start: 'earliest' }, [], 5)).toEqual([
      'before-0',
      'before-1',
      'before-2',
      'after-1',
      'after-2',
    ]);
  });

  it('stop commits what finished, leaves the group, and a restart continues without loss', async () => {
    const topic = await newTopic('restart');
    const groupId = uniqueName('restart-group');
    await produce(topic, 200, () => ({}));
    const values: number[] = [];
    const config = { groupId, topics: [topic], fromBeginning: true, ...FAST };
    const handler = async (event: MessageEvent) => {
      if (!isMessage(event)) return;
      values.push(Number(event.value));
      await new Promise((resolve) => setTimeout(resolve, 1));
    };
    let running: RunningTrigger = await kit.startTrigger('kafka.message', config, { handler });
    await eventually(() => values.length >= 50, '50 messages');
    await running.stop();
    const handledBeforeStop = values.length;
    const afterStop = await kit.invoke('kafka.groupOffsets', { groupId, topics: [topic] });
    expect(afterStop.state).toBe('Empty');
    expect(afterStop.members).toBe(0);
    expect(afterStop.topics[0]?.partitions[0]?.committed).toBe(String(handledBeforeStop));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(values.length).toBe(handledBeforeStop);

    running = await kit.startTrigger('kafka.message', config, { handler });
    await eventually(() => values.length >= 200, 'the rest');
    await running.stop();
    expect(values).toEqual(Array.from({ length: 200 }, (_, index) => index));
  });

  it('survives a rebalance: a second member joins mid-stream, nothing is lost, no member is left', async () => {
    const topic = await newTopic('rebalance', 4);
    const groupId = uniqueName('rebalance-group');
    await produce(topic, 2_000, (index) => ({ partition: index % 4 }));
    const handledBy = { first: [] as string[], second: [] as string[] };
    const config = { groupId, topics: [topic], fromBeginning: true, maxInFlight: 50, ...FAST };
    const slowly = (into: string[]) => async (event: MessageEvent) => {
      if (!isMessage(event)) return;
      into.push(`${event.partition}:${event.offset}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    };
    const first = await kit.startTrigger('kafka.message', config, { handler: slowly(handledBy.first) });
    let second: RunningTrigger | undefined;
    try {
      await eventually(() => handledBy.first.length >= 300, '300 messages by the first member');
      second = await kit.startTrigger('kafka.message', config, { handler: slowly(handledBy.second) });
      await eventually(
        () => new Set([...handledBy.first, ...handledBy.second]).size >= 2_000,
        'all messages by the two members',
        30_000,
      );
      expect(handledBy.second.length).toBeGreaterThan(0);
      // Offsets finished but not yet committed when partitions moved are delivered again to
      // their new owner (at-least-once): wait until those duplicates are done and committed.
      await eventually(
        async () => {
          const lag = await kit.invoke('kafka.groupOffsets', { groupId, topics: [topic] });
          if (lag.totalLag === 0) return true;
          await new Promise((resolve) => setTimeout(resolve, 200));
          return false;
        },
        'every offset committed',
        30_000,
      );
    } finally {
      await Promise.all([first.stop(), second?.stop()]);
    }
    const offsets = await kit.invoke('kafka.groupOffsets', { groupId, topics: [topic] });
    expect(offsets).toMatchObject({ state: 'Empty', members: 0, totalLag: 0 });
  }, 60_000);

  it('fails to start on a missing topic or dead-letter topic, or a bad config', async () => {
    const topic = await newTopic('config');
    const start = (config: Record<string, unknown>) =>
      kit
        .startTrigger(
          'kafka.message',
          { groupId: uniqueName('g'), ...config },
          { handler: async () => undefined },
        )
        .then(
          () => undefined,
          (error: unknown) => error as ConnectorError,
        );
    expect((await start({ topics: [uniqueName('missing')] }))?.code).toBe('NOT_FOUND');
    expect((await start({ topics: [topic], deadLetterTopic: uniqueName('missing-dlq') }))?.code).toBe(
      'NOT_FOUND',
    );
    expect((await start({ pattern: '^no-such-topic-prefix-' }))?.code).toBe('NOT_FOUND');
    expect((await start({ topics: [topic], pattern: '.*' }))?.code).toBe('INVALID_CONFIG');
    expect((await start({ pattern: '(' }))?.code).toBe('INVALID_CONFIG');
    expect((await start({ topics: [topic], deadLetterTopic: topic }))?.code).toBe('INVALID_CONFIG');
    expect((await start({ topics: [topic], sessionTimeoutMs: 1_000, heartbeatIntervalMs: 500 }))?.code).toBe(
      'INVALID_CONFIG',
    );
  });

  it('consumes the topics matching a pattern', async () => {
    const prefix = uniqueName('pattern');
    const first = `${prefix}-a`;
    const second = `${prefix}-b`;
    topics.push(first, second);
    await kit.invoke('kafka.createTopic', { topic: first });
    await kit.invoke('kafka.createTopic', { topic: second });
    await kit.invoke('kafka.produce', { topic: first, messages: [{ value: 'a' }] });
    await kit.invoke('kafka.produce', { topic: second, messages: [{ value: 'b' }] });
    const seen: string[] = [];
    const running = await kit.startTrigger(
      'kafka.message',
      { groupId: uniqueName('pattern-group'), pattern: `^${prefix}-`, fromBeginning: true, ...FAST },
      {
        handler: async (event) =>
          void (isMessage(event) && seen.push(`${event.topic}:${String(event.value)}`)),
      },
    );
    await eventually(() => seen.length >= 2, 'both topics');
    await running.stop();
    expect(seen.sort()).toEqual([`${first}:a`, `${second}:b`]);
  });
});
