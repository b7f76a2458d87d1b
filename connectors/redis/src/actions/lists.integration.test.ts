import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestKit, type TestKit } from '../test-fixtures/redis-test-kit.js';

let test: TestKit;
beforeAll(async () => {
  test = await createTestKit();
});
afterEach(async () => test.clean());
afterAll(async () => test.close());

describe('lists', () => {
  it('lpush, rpush, lrange, llen', async () => {
    const { kit } = test;
    expect(await kit.invoke('redis.rpush', { key: 'jobs', values: ['b', 'c'] })).toEqual({ length: 2 });
    expect(await kit.invoke('redis.lpush', { key: 'jobs', values: ['a', 'z'] })).toEqual({ length: 4 });
    expect(await kit.invoke('redis.lrange', { key: 'jobs' })).toEqual({ values: ['z', 'a', 'b', 'c'] });
    expect(await kit.invoke('redis.lrange', { key: 'jobs', start: 1, stop: 2 })).toEqual({
      values: ['a', 'b'],
    });
    expect(await kit.invoke('redis.llen', { key: 'jobs' })).toEqual({ length: 4 });
    expect(await kit.invoke('redis.llen', { key: 'missing' })).toEqual({ length: 0 });
  });

  it('lpop and rpop one or several, empty when the list is', async () => {
    const { kit } = test;
    await kit.invoke('redis.rpush', { key: 'q', values: ['1', '2', '3', '4'] });
    expect(await kit.invoke('redis.lpop', { key: 'q' })).toEqual({ values: ['1'] });
    expect(await kit.invoke('redis.rpop', { key: 'q', count: 2 })).toEqual({ values: ['4', '3'] });
    expect(await kit.invoke('redis.lpop', { key: 'q', count: 5 })).toEqual({ values: ['2'] });
    expect(await kit.invoke('redis.lpop', { key: 'q', count: 1 })).toEqual({ values: [] });
    expect(await kit.invoke('redis.rpop', { key: 'q', count: 1 })).toEqual({ values: [] });
  });

  it('ltrim keeps a range and returns the new length; lrem removes by value', async () => {
    const { kit } = test;
    await kit.invoke('redis.rpush', { key: 'events', values: ['a', 'b', 'a', 'c', 'a'] });
    expect(await kit.invoke('redis.lrem', { key: 'events', value: 'a', count: 2 })).toEqual({ removed: 2 });
    expect(await kit.invoke('redis.lrange', { key: 'events', start: 0, stop: -1 })).toEqual({
      values: ['b', 'c', 'a'],
    });
    expect(await kit.invoke('redis.ltrim', { key: 'events', start: 0, stop: 1 })).toEqual({ length: 2 });
    expect(await kit.invoke('redis.lrange', { key: 'events', start: 0, stop: -1 })).toEqual({
      values: ['b', 'c'],
    });
  });

  it('lindex from the head and from the tail, null out of range', async () => {
    const { kit } = test;
    await kit.invoke('redis.rpush', { key: 'jobs', values: ['a', 'b', 'c'] });
    expect(await kit.invoke('redis.lindex', { key: 'jobs', index: 0 })).toEqual({ value: 'a' });
    expect(await kit.invoke('redis.lindex', { key: 'jobs', index: -1 })).toEqual({ value: 'c' });
    expect(await kit.invoke('redis.lindex', { key: 'jobs', index: 3 })).toEqual({ value: null });
    expect(await kit.invoke('redis.lindex', { key: 'missing', index: 0 })).toEqual({ value: null });
  });
});
