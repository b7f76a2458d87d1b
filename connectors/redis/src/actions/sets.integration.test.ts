import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestKit, type TestKit } from '../test-fixtures/redis-test-kit.js';

let test: TestKit;
beforeAll(async () => {
  test = await createTestKit();
});
afterEach(async () => test.clean());
afterAll(async () => test.close());

describe('sets', () => {
  it('sadd, srem, smembers, sismember, scard', async () => {
    const { kit } = test;
    expect(await kit.invoke('redis.sadd', { key: 'tags', members: ['redis', 'ts', 'redis'] })).toEqual({
      added: 2,
    });
    expect(await kit.invoke('redis.sadd', { key: 'tags', members: ['ts', 'node'] })).toEqual({ added: 1 });
    expect((await kit.invoke('redis.smembers', { key: 'tags' })).members.sort()).toEqual([
      'node',
      'redis',
      'ts',
    ]);
    expect(await kit.invoke('redis.sismember', { key: 'tags', member: 'node' })).toEqual({ isMember: true });
    expect(await kit.invoke('redis.sismember', { key: 'tags', member: 'java' })).toEqual({ isMember: false });
    expect(await kit.invoke('redis.scard', { key: 'tags' })).toEqual({ count: 3 });
    expect(await kit.invoke('redis.srem', { key: 'tags', members: ['node', 'java'] })).toEqual({
      removed: 1,
    });
    expect(await kit.invoke('redis.scard', { key: 'tags' })).toEqual({ count: 2 });
    expect(await kit.invoke('redis.smembers', { key: 'missing' })).toEqual({ members: [] });
  });

  it('sinter, sunion and sdiff over several sets, a missing key counting as empty', async () => {
    const { kit, raw, prefix } = test;
    await kit.invoke('redis.sadd', { key: 'a', members: ['redis', 'ts', 'node'] });
    await kit.invoke('redis.sadd', { key: 'b', members: ['ts', 'node', 'go'] });
    await kit.invoke('redis.sadd', { key: 'c', members: ['node'] });
    // Unprefixed keys of the same names are not read: the prefix applies to every key.
    await raw.sadd('a', 'outside');
    try {
      const sorted = async (name: 'redis.sinter' | 'redis.sunion' | 'redis.sdiff', keys: string[]) =>
        (await kit.invoke(name, { keys })).members.sort();
      expect(await sorted('redis.sinter', ['a', 'b', 'c'])).toEqual(['node']);
      expect(await sorted('redis.sunion', ['a', 'b'])).toEqual(['go', 'node', 'redis', 'ts']);
      expect(await sorted('redis.sdiff', ['a', 'b'])).toEqual(['redis']);
      expect(await sorted('redis.sinter', ['a', 'missing'])).toEqual([]);
      expect(await sorted('redis.sunion', ['missing', 'c'])).toEqual(['node']);
      expect(await raw.exists(`${prefix}a`)).toBe(1);
    } finally {
      await raw.del('a');
    }
    await kit.invoke('redis.set', { key: 'text', value: 'x' });
    await expect(kit.invoke('redis.sinter', { keys: ['a', 'text'] })).rejects.toMatchObject({
      code: 'CONFLICT',
      vendorCode: 'WRONGTYPE',
    });
  });
});
