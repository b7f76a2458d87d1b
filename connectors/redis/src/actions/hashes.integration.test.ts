import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestKit, type TestKit } from '../test-fixtures/redis-test-kit.js';

let test: TestKit;
beforeAll(async () => {
  test = await createTestKit();
});
afterEach(async () => test.clean());
afterAll(async () => test.close());

describe('hashes', () => {
  it('hset, hget, hmget, hgetall, hexists, hlen', async () => {
    const { kit, raw, prefix } = test;
    expect(
      await kit.invoke('redis.hset', { key: 'user:1', fields: { name: 'Ada', email: 'ada@example.com' } }),
    ).toEqual({
      added: 2,
    });
    expect(
      await kit.invoke('redis.hset', { key: 'user:1', fields: { name: 'Ada L.', role: 'admin' } }),
    ).toEqual({
      added: 1,
    });
    expect(await raw.hget(`${prefix}user:1`, 'role')).toBe('admin');
    expect(await kit.invoke('redis.hget', { key: 'user:1', field: 'name' })).toEqual({ value: 'Ada L.' });
    expect(await kit.invoke('redis.hget', { key: 'user:1', field: 'nope' })).toEqual({ value: null });
    expect(await kit.invoke('redis.hmget', { key: 'user:1', fields: ['email', 'nope'] })).toEqual({
      values: ['ada@example.com', null],
    });
    expect(await kit.invoke('redis.hgetall', { key: 'user:1' })).toEqual({
      fields: { name: 'Ada L.', email: 'ada@example.com', role: 'admin' },
    });
    expect(await kit.invoke('redis.hgetall', { key: 'missing' })).toEqual({ fields: {} });
    expect(await kit.invoke('redis.hexists', { key: 'user:1', field: 'role' })).toEqual({ exists: true });
    expect(await kit.invoke('redis.hexists', { key: 'user:1', field: 'nope' })).toEqual({ exists: false });
    expect(await kit.invoke('redis.hlen', { key: 'user:1' })).toEqual({ length: 3 });
  });

  it('hdel and hincrBy', async () => {
    const { kit } = test;
    expect(await kit.invoke('redis.hincrBy', { key: 'cart', field: 'sku-1', by: 2 })).toEqual({ value: 2 });
    expect(await kit.invoke('redis.hincrBy', { key: 'cart', field: 'sku-1', by: -1 })).toEqual({ value: 1 });
    await kit.invoke('redis.hset', { key: 'cart', fields: { note: 'gift' } });
    await expect(kit.invoke('redis.hincrBy', { key: 'cart', field: 'note', by: 1 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await kit.invoke('redis.hdel', { key: 'cart', fields: ['note', 'nope'] })).toEqual({ deleted: 1 });
    expect(await kit.invoke('redis.hlen', { key: 'cart' })).toEqual({ length: 1 });
  });
});
