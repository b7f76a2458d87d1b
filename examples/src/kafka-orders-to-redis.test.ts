import { randomUUID } from 'node:crypto';
import { type Kit, openProject } from '@connectorkit/core';
import type { RunRecord } from '@connectorkit/flow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, exampleFolder, startCk } from './run-ck.js';

// The example as its README runs it: `ck start --sandbox` in the example's folder, against the
// real Kafka broker and Redis that scripts/services starts, with Slack emulated in-process.
const folder = exampleFolder('kafka-orders-to-redis');
let kit: Kit;

beforeAll(async () => {
  // The example's own connections, to produce orders and look into Redis as a user would.
  kit = openProject({ cwd: folder }).kit;
  await kit.invokeDynamic('kafka.createTopic', { topic: 'orders', partitions: 2 });
  await kit.invokeDynamic('kafka.createTopic', { topic: 'orders.dlq', partitions: 1 });
});

afterAll(async () => {
  await kit?.close();
});

describe('example kafka-orders-to-redis', () => {
  it('stores every order in Redis, alerts #sales about the big one, and dead-letters a malformed one', async () => {
    const run = randomUUID().slice(0, 8);
    const orders = [
      { id: `A-${run}`, customer: 'Ada', total: 120 },
      { id: `B-${run}`, customer: 'Grace', total: 2_500, currency: 'USD' },
      { id: `C-${run}`, customer: 'Linus', total: 40 },
    ];
    // Fails the flow's input schema: not retryable, so it goes to orders.dlq and is committed.
    const malformed = { id: `X-${run}`, customer: 'Mallory', total: 'lots' };
    const ck = startCk(['start', '--sandbox', '--seed', 'sandbox-seed.json', '--json'], folder);
    const records = (): RunRecord[] =>
      ck
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as RunRecord);
    const recordOf = (id: string) => records().find((record) => (record.input as { id?: string })?.id === id);
    try {
      await kit.invokeDynamic('kafka.produce', {
        topic: 'orders',
        messages: [...orders, malformed].map((order) => ({ key: order.id, value: order })),
      });
      await eventually(
        () => [...orders, malformed].every((order) => recordOf(order.id) !== undefined),
        `the runs of the four orders (ck stderr so far: ${ck.stderr()})`,
        45_000,
      );
    } finally {
      expect(await ck.stop()).toBe(0);
    }
    for (const order of orders) {
      const record = recordOf(order.id);
      expect(record?.status, JSON.stringify(record?.error)).toBe('succeeded');
      expect(record?.output).toMatchObject({ order: order.id, stored: true, alerted: order.total >= 1_000 });
      const stored = (await kit.invokeDynamic('redis.jsonGet', { key: `order:${order.id}` })) as {
        value: unknown;
      };
      expect(stored.value).toEqual({ currency: 'EUR', ...order });
    }
    const alert = recordOf(`B-${run}`)
      ?.steps.flatMap((step) => [step, ...(step.steps ?? [])])
      .find((step) => step.id === 'alert');
    expect(alert).toMatchObject({
      status: 'succeeded',
      input: { channel: '#sales', text: `:moneybag: Order B-${run} from Grace: 2500 USD` },
    });
    // Stopped means stopped: no member of the group is left behind, and every message — the
    // dead-lettered one too — is committed.
    expect(
      await kit.invokeDynamic('kafka.groupOffsets', { groupId: 'store-order', topics: ['orders'] }),
    ).toMatchObject({ members: 0, totalLag: 0 });
    expect(recordOf(malformed.id)).toMatchObject({ status: 'failed', error: { code: 'INVALID_INPUT' } });
    const dlq = (await kit.invokeDynamic('kafka.fetchMessages', {
      topic: 'orders.dlq',
      offset: 'earliest',
      maxMessages: 10_000,
      decode: 'json',
    })) as { messages: { key: string | null; value: unknown; headers: Record<string, unknown> }[] };
    const dead = dlq.messages.filter((message) => message.key === malformed.id);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.value).toEqual(malformed);
    expect(dead[0]?.headers).toMatchObject({
      'x-dlq-error-code': 'INVALID_INPUT',
      'x-dlq-original-topic': 'orders',
      'x-dlq-consumer-group': 'store-order',
    });
    expect(await kit.invokeDynamic('redis.exists', { keys: [`order:${malformed.id}`] })).toMatchObject({
      count: 0,
    });
    await kit.invokeDynamic('redis.del', { keys: orders.map((order) => `order:${order.id}`) });
  });
});
