import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestKit, type TestKit } from '../test-fixtures/redis-test-kit.js';

let test: TestKit;
beforeAll(async () => {
  test = await createTestKit();
});
afterEach(async () => test.clean());
afterAll(async () => test.close());

describe('streams', () => {
  it('xadd, xlen, xrange both directions with paging', async () => {
    const { kit, raw, prefix } = test;
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      const { id } = await kit.invoke('redis.xadd', {
        stream: 'orders',
        fields: { orderId: String(index), status: 'paid' },
      });
      ids.push(id);
    }
    expect(await raw.xlen(`${prefix}orders`)).toBe(5);
    expect(await kit.invoke('redis.xlen', { stream: 'orders' })).toEqual({ length: 5 });
    const all = await kit.invoke('redis.xrange', { stream: 'orders' });
    expect(all.entries.map(({ id }) => id)).toEqual(ids);
    expect(all.entries[0]).toEqual({ id: ids[0], fields: { orderId: '0', status: 'paid' } });
    const firstPage = await kit.invoke('redis.xrange', { stream: 'orders', count: 2 });
    const secondPage = await kit.invoke('redis.xrange', {
      stream: 'orders',
      start: `(${firstPage.entries.at(-1)?.id}`,
      count: 2,
    });
    expect(secondPage.entries.map(({ id }) => id)).toEqual(ids.slice(2, 4));
    const newest = await kit.invoke('redis.xrange', { stream: 'orders', reverse: true, count: 2 });
    expect(newest.entries.map(({ id }) => id)).toEqual([ids[4], ids[3]]);
    // Backwards, start stays the lower bound: the next page ends before the last id seen.
    const olderPage = await kit.invoke('redis.xrange', {
      stream: 'orders',
      end: `(${newest.entries.at(-1)?.id}`,
      count: 2,
      reverse: true,
    });
    expect(olderPage.entries.map(({ id }) => id)).toEqual([ids[2], ids[1]]);
    const window = await kit.invoke('redis.xrange', {
      stream: 'orders',
      start: ids[1] as string,
      end: ids[3] as string,
      reverse: true,
    });
    expect(window.entries.map(({ id }) => id)).toEqual([ids[3], ids[2], ids[1]]);
    expect(await kit.invoke('redis.xrange', { stream: 'missing' })).toEqual({ entries: [] });
  });

  it('xadd with an explicit id, trimming, and noMkStream', async () => {
    const { kit } = test;
    expect(await kit.invoke('redis.xadd', { stream: 's', id: '5-1', fields: { a: '1' } })).toEqual({
      id: '5-1',
    });
    await expect(
      kit.invoke('redis.xadd', { stream: 's', id: '5-1', fields: { a: '2' } }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    for (let index = 0; index < 5; index++)
      await kit.invoke('redis.xadd', { stream: 's', fields: { n: String(index) }, maxLen: 3 });
    expect(await kit.invoke('redis.xlen', { stream: 's' })).toEqual({ length: 3 });
    await expect(
      kit.invoke('redis.xadd', { stream: 'absent', fields: { a: '1' }, noMkStream: true }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await kit.invoke('redis.xlen', { stream: 'absent' })).toEqual({ length: 0 });
  });

  it('xtrim by maxLen and minId', async () => {
    const { kit } = test;
    for (let index = 1; index <= 6; index++)
      await kit.invoke('redis.xadd', { stream: 's', id: `${index}-0`, fields: { n: String(index) } });
    expect(await kit.invoke('redis.xtrim', { stream: 's', maxLen: 4 })).toEqual({ deleted: 2 });
    expect(await kit.invoke('redis.xtrim', { stream: 's', minId: '5-0' })).toEqual({ deleted: 2 });
    expect((await kit.invoke('redis.xrange', { stream: 's' })).entries.map(({ id }) => id)).toEqual([
      '5-0',
      '6-0',
    ]);
    await expect(kit.invoke('redis.xtrim', { stream: 's' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(kit.invoke('redis.xtrim', { stream: 's', maxLen: 1, minId: '1-0' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path: '$.minId',
    });
  });
});
