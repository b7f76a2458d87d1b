import type { ActionInput } from '@connectorkit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestKit, type TestKit } from '../test-fixtures/redis-test-kit.js';
import type { zrangeByScore } from './sorted-sets.js';

let test: TestKit;
beforeAll(async () => {
  test = await createTestKit();
});
afterEach(async () => test.clean());
afterAll(async () => test.close());

const board = [
  { member: 'ada', score: 42 },
  { member: 'grace', score: 7.5 },
  { member: 'linus', score: 19 },
];

describe('sorted sets', () => {
  it('zadd with conditions, zscore, zincrBy, zcard, zrem', async () => {
    const { kit } = test;
    expect(await kit.invoke('redis.zadd', { key: 'board', members: board })).toEqual({ added: 3 });
    expect(await kit.invoke('redis.zscore', { key: 'board', member: 'grace' })).toEqual({ score: 7.5 });
    expect(await kit.invoke('redis.zscore', { key: 'board', member: 'nobody' })).toEqual({ score: null });
    expect(
      await kit.invoke('redis.zadd', {
        key: 'board',
        members: [
          { member: 'ada', score: 1 },
          { member: 'new', score: 1 },
        ],
        condition: 'NX',
      }),
    ).toEqual({ added: 1 });
    expect(await kit.invoke('redis.zscore', { key: 'board', member: 'ada' })).toEqual({ score: 42 });
    await kit.invoke('redis.zadd', {
      key: 'board',
      members: [{ member: 'ada', score: 10 }],
      comparison: 'GT',
    });
    expect(await kit.invoke('redis.zscore', { key: 'board', member: 'ada' })).toEqual({ score: 42 });
    await kit.invoke('redis.zadd', {
      key: 'board',
      members: [{ member: 'ghost', score: 1 }],
      condition: 'XX',
    });
    expect(await kit.invoke('redis.zcard', { key: 'board' })).toEqual({ count: 4 });
    expect(await kit.invoke('redis.zincrBy', { key: 'board', member: 'grace', by: 2.5 })).toEqual({
      score: 10,
    });
    expect(await kit.invoke('redis.zrem', { key: 'board', members: ['new', 'ghost'] })).toEqual({
      removed: 1,
    });
    await expect(
      kit.invoke('redis.zadd', { key: 'board', members: board, condition: 'NX', comparison: 'GT' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', path: '$.comparison' });
  });

  it('zrange by rank and zrank, both directions', async () => {
    const { kit } = test;
    await kit.invoke('redis.zadd', { key: 'board', members: board });
    expect(await kit.invoke('redis.zrange', { key: 'board' })).toEqual({
      members: [
        { member: 'grace', score: 7.5 },
        { member: 'linus', score: 19 },
        { member: 'ada', score: 42 },
      ],
    });
    expect(await kit.invoke('redis.zrange', { key: 'board', start: 0, stop: 0, reverse: true })).toEqual({
      members: [{ member: 'ada', score: 42 }],
    });
    expect(await kit.invoke('redis.zrank', { key: 'board', member: 'linus' })).toEqual({ rank: 1 });
    expect(await kit.invoke('redis.zrank', { key: 'board', member: 'ada', reverse: true })).toEqual({
      rank: 0,
    });
    expect(await kit.invoke('redis.zrank', { key: 'board', member: 'nobody' })).toEqual({ rank: null });
  });

  it('zcount with inclusive and exclusive bounds and infinities', async () => {
    const { kit } = test;
    await kit.invoke('redis.zadd', { key: 'board', members: board });
    const count = async (min: number | string, max: number | string) =>
      (await kit.invoke('redis.zcount', { key: 'board', min, max })).count;
    expect(await kit.invoke('redis.zcount', { key: 'board' })).toEqual({ count: 3 });
    expect(await count(7.5, 42)).toBe(3);
    expect(await count('(7.5', '(42')).toBe(1);
    expect(await count(20, '+inf')).toBe(1);
    expect(await count('-inf', 0)).toBe(0);
    expect((await kit.invoke('redis.zcount', { key: 'missing' })).count).toBe(0);
  });

  it('zrangeByScore with exclusive bounds, infinities, paging and reverse', async () => {
    const { kit } = test;
    await kit.invoke('redis.zadd', { key: 'board', members: [...board, { member: 'huge', score: 1e300 }] });
    const range = async (input: Omit<ActionInput<typeof zrangeByScore>, 'key'>): Promise<string[]> => {
      const { members } = await kit.invoke('redis.zrangeByScore', { key: 'board', ...input });
      return members.map(({ member }) => member);
    };
    expect(await range({ min: 7.5, max: 19 })).toEqual(['grace', 'linus']);
    expect(await range({ min: '(7.5', max: '+inf' })).toEqual(['linus', 'ada', 'huge']);
    expect(await range({ min: '-inf', max: '(42', reverse: true })).toEqual(['linus', 'grace']);
    expect(await range({ offset: 1, count: 2 })).toEqual(['linus', 'ada']);
    await expect(kit.invoke('redis.zrangeByScore', { key: 'board', min: 'abc' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
