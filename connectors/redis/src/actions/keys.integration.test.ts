import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestKit, type TestKit } from '../test-fixtures/redis-test-kit.js';

let test: TestKit;
beforeAll(async () => {
  test = await createTestKit();
});
afterEach(async () => test.clean());
afterAll(async () => test.close());

describe('keys', () => {
  it('del, exists', async () => {
    const { kit } = test;
    await kit.invoke('redis.mset', { entries: { a: '1', b: '2' } });
    expect(await kit.invoke('redis.exists', { keys: ['a', 'b', 'c'] })).toEqual({ count: 2 });
    expect(await kit.invoke('redis.del', { keys: ['a', 'c'] })).toEqual({ deleted: 1 });
    expect(await kit.invoke('redis.exists', { keys: ['a'] })).toEqual({ count: 0 });
  });

  it('expire and ttl in seconds and milliseconds, with conditions', async () => {
    const { kit } = test;
    await kit.invoke('redis.set', { key: 'k', value: 'v' });
    expect(await kit.invoke('redis.ttl', { key: 'k' })).toEqual({ exists: true, ttlMs: null });
    expect(await kit.invoke('redis.expire', { key: 'k', seconds: 100 })).toEqual({ updated: true });
    const { ttlMs } = await kit.invoke('redis.ttl', { key: 'k' });
    expect(ttlMs).toBeGreaterThan(90_000);
    expect(await kit.invoke('redis.expire', { key: 'k', milliseconds: 5_000, condition: 'GT' })).toEqual({
      updated: false,
    });
    expect(await kit.invoke('redis.expire', { key: 'k', milliseconds: 5_000, condition: 'LT' })).toEqual({
      updated: true,
    });
    expect((await kit.invoke('redis.ttl', { key: 'k' })).ttlMs).toBeLessThanOrEqual(5_000);
    expect(await kit.invoke('redis.expire', { key: 'missing', seconds: 1 })).toEqual({ updated: false });
    expect(await kit.invoke('redis.ttl', { key: 'missing' })).toEqual({ exists: false, ttlMs: null });
    await expect(kit.invoke('redis.expire', { key: 'k' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('scan pages through keys matching a pattern, without the key prefix, until done', async () => {
    const { kit } = test;
    const entries = Object.fromEntries(
      Array.from({ length: 30 }, (_, index) => [`user:${index}`, String(index)]),
    );
    await kit.invoke('redis.mset', { entries: { ...entries, 'order:1': 'x' } });
    await kit.invoke('redis.rpush', { key: 'user:list', values: ['a'] });
    const found: string[] = [];
    let cursor = '0';
    let pages = 0;
    for (;;) {
      const page = await kit.invoke('redis.scan', { pattern: 'user:*', cursor, count: 5 });
      found.push(...page.keys);
      pages++;
      cursor = page.cursor;
      if (page.done) break;
    }
    expect(pages).toBeGreaterThan(1);
    expect(new Set(found)).toEqual(new Set([...Object.keys(entries), 'user:list']));
    const lists: string[] = [];
    let listCursor = '0';
    do {
      const page = await kit.invoke('redis.scan', {
        pattern: '*',
        cursor: listCursor,
        count: 1000,
        type: 'list',
      });
      lists.push(...page.keys);
      listCursor = page.cursor;
    } while (listCursor !== '0');
    expect(lists).toEqual(['user:list']);
  });

  it('scan treats glob characters of the key prefix literally', async () => {
    await using other = await createTestKit({ keyPrefix: `${test.prefix}[x]*:` });
    await other.kit.invoke('redis.set', { key: 'inside', value: '1' });
    await test.kit.invoke('redis.set', { key: 'x-outside', value: '1' });
    // Other suites share the server: one SCAN page need not reach the key, so walk every page.
    const keys: string[] = [];
    let cursor = '0';
    do {
      const page = await other.kit.invoke('redis.scan', { pattern: '*', cursor, count: 1000 });
      keys.push(...page.keys);
      cursor = page.cursor;
    } while (cursor !== '0');
    expect(keys).toEqual(['inside']);
  });
});
