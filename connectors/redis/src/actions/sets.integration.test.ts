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
});
