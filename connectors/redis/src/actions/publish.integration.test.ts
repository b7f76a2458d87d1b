import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestKit, REDIS_URL, type TestKit, waitUntil } from '../test-fixtures/redis-test-kit.js';

let test: TestKit;
beforeAll(async () => {
  test = await createTestKit();
});
afterAll(async () => test.close());

describe('publish', () => {
  it('sends a message to the subscribers of a channel (channels get no key prefix)', async () => {
    const channel = `${test.prefix}news`;
    expect(await test.kit.invoke('redis.publish', { channel, message: 'nobody listens' })).toEqual({
      receivers: 0,
    });
    const subscriber = new Redis(REDIS_URL);
    try {
      const received: string[] = [];
      subscriber.on('message', (_channel: string, message: string) => received.push(message));
      await subscriber.subscribe(channel);
      expect(await test.kit.invoke('redis.publish', { channel, message: 'hello' })).toEqual({ receivers: 1 });
      await waitUntil(() => received.length === 1, 'the message');
      expect(received).toEqual(['hello']);
    } finally {
      subscriber.disconnect();
    }
  });
});
