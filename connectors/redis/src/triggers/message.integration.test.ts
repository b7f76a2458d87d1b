import { ConnectorError, manifestOf } from '@connectorkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import redis from '../index.js';
import { createTestKit, type TestKit, waitUntil } from '../test-fixtures/redis-test-kit.js';

let test: TestKit;
beforeAll(async () => {
  test = await createTestKit();
});
afterAll(async () => test.close());

interface Received {
  channel: string;
  message: string;
  pattern?: string;
}

describe('message trigger (pub/sub)', () => {
  it('declares at-most-once delivery, and says so', () => {
    const trigger = manifestOf(redis).triggers.message;
    expect(trigger?.delivery).toBe('at-most-once');
    expect(trigger?.description).toContain('at-most-once');
  });

  it('delivers messages of subscribed channels and patterns, nothing else', async () => {
    const { kit, prefix } = test;
    const received: Received[] = [];
    const trigger = await kit.startTrigger(
      'redis.message',
      { channels: [`${prefix}orders`], patterns: [`${prefix}news.*`] },
      { handler: async (event) => void received.push(event) },
    );
    try {
      expect(await kit.invoke('redis.publish', { channel: `${prefix}orders`, message: 'o-1' })).toEqual({
        receivers: 1,
      });
      await kit.invoke('redis.publish', { channel: `${prefix}news.sport`, message: 'goal' });
      await kit.invoke('redis.publish', { channel: `${prefix}other`, message: 'ignored' });
      await kit.invoke('redis.publish', { channel: `${prefix}orders`, message: 'o-2' });
      await waitUntil(() => received.length >= 3, 'three messages');
      expect(received).toEqual([
        { channel: `${prefix}orders`, message: 'o-1' },
        { channel: `${prefix}news.sport`, message: 'goal', pattern: `${prefix}news.*` },
        { channel: `${prefix}orders`, message: 'o-2' },
      ]);
    } finally {
      await trigger.stop();
    }
    // Stopped: the subscription is gone.
    expect(await kit.invoke('redis.publish', { channel: `${prefix}orders`, message: 'late' })).toEqual({
      receivers: 0,
    });
  });

  it('goes on after a failing flow; the failed message is not redelivered (at-most-once)', async () => {
    const { kit, prefix, logs } = test;
    const seen: string[] = [];
    const trigger = await kit.startTrigger(
      'redis.message',
      { channels: [`${prefix}jobs`] },
      {
        handler: async ({ message }) => {
          seen.push(message);
          if (message === 'bad') throw new Error('flow failed');
        },
      },
    );
    try {
      for (const message of ['bad', 'good'])
        await kit.invoke('redis.publish', { channel: `${prefix}jobs`, message });
      await waitUntil(() => seen.length === 2, 'both messages');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual(['bad', 'good']);
      expect(
        logs.some((line) => line.level === 'warn' && /dropped \(at-most-once\)/.test(line.message)),
      ).toBe(true);
    } finally {
      await trigger.stop();
    }
  });

  it('refuses a configuration without channels or patterns', async () => {
    const error = await test.kit
      .startTrigger('redis.message', {}, { handler: async () => undefined })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
