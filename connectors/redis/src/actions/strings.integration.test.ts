import { ConnectorError } from '@connectorkit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestKit, type TestKit } from '../test-fixtures/redis-test-kit.js';

let test: TestKit;
beforeAll(async () => {
  test = await createTestKit();
});
afterEach(async () => test.clean());
afterAll(async () => test.close());

describe('strings', () => {
  it('set and get a value, under the connection key prefix', async () => {
    const { kit, raw, prefix } = test;
    expect(await kit.invoke('redis.set', { key: 'greeting', value: 'hello' })).toEqual({ written: true });
    expect(await kit.invoke('redis.get', { key: 'greeting' })).toEqual({ value: 'hello' });
    expect(await raw.get(`${prefix}greeting`)).toBe('hello');
    expect(await kit.invoke('redis.get', { key: 'missing' })).toEqual({ value: null });
  });

  it('set with EX and PX gives the key a time to live', async () => {
    const { kit, raw, prefix } = test;
    await kit.invoke('redis.set', { key: 'ex', value: '1', ex: 100 });
    await kit.invoke('redis.set', { key: 'px', value: '1', px: 50_000 });
    expect(await raw.ttl(`${prefix}ex`)).toBeGreaterThan(90);
    const px = await raw.pttl(`${prefix}px`);
    expect(px).toBeGreaterThan(40_000);
    expect(px).toBeLessThanOrEqual(50_000);
  });

  it('set with NX writes only an absent key, XX only a present one', async () => {
    const { kit } = test;
    expect(await kit.invoke('redis.set', { key: 'nx', value: 'first', nx: true })).toEqual({ written: true });
    expect(await kit.invoke('redis.set', { key: 'nx', value: 'second', nx: true })).toEqual({
      written: false,
    });
    expect(await kit.invoke('redis.get', { key: 'nx' })).toEqual({ value: 'first' });
    expect(await kit.invoke('redis.set', { key: 'xx', value: 'v', xx: true })).toEqual({ written: false });
    expect(await kit.invoke('redis.get', { key: 'xx' })).toEqual({ value: null });
    expect(await kit.invoke('redis.set', { key: 'nx', value: 'third', xx: true })).toEqual({ written: true });
  });

  it('set with get returns the previous value, and keepTtl keeps the expiry', async () => {
    const { kit, raw, prefix } = test;
    await kit.invoke('redis.set', { key: 'k', value: 'old', ex: 100 });
    expect(await kit.invoke('redis.set', { key: 'k', value: 'new', get: true, keepTtl: true })).toEqual({
      written: true,
      previous: 'old',
    });
    expect(await raw.ttl(`${prefix}k`)).toBeGreaterThan(90);
    expect(await kit.invoke('redis.set', { key: 'k', value: 'x', nx: true, get: true })).toEqual({
      written: false,
      previous: 'new',
    });
  });

  it('set refuses contradicting options with INVALID_INPUT naming the field', async () => {
    const error = await test.kit
      .invoke('redis.set', { key: 'k', value: 'v', ex: 1, px: 1000 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', path: '$.px', action: 'set' });
    await expect(
      test.kit.invoke('redis.set', { key: 'k', value: 'v', nx: true, xx: true }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path: '$.xx',
    });
  });

  it('mset and mget several values', async () => {
    const { kit } = test;
    expect(await kit.invoke('redis.mset', { entries: { a: '1', b: '2' } })).toEqual({ written: true });
    expect(await kit.invoke('redis.mget', { keys: ['a', 'missing', 'b'] })).toEqual({
      values: ['1', null, '2'],
    });
    expect(await kit.invoke('redis.mset', { entries: { a: '9', c: '3' }, nx: true })).toEqual({
      written: false,
    });
    expect(await kit.invoke('redis.mset', { entries: { c: '3', d: '4' }, nx: true })).toEqual({
      written: true,
    });
    expect(await kit.invoke('redis.mget', { keys: ['a', 'c', 'd'] })).toEqual({ values: ['1', '3', '4'] });
  });

  it('incr and incrBy count, and fail with CONFLICT on a non-number', async () => {
    const { kit } = test;
    expect(await kit.invoke('redis.incr', { key: 'n' })).toEqual({ value: 1 });
    expect(await kit.invoke('redis.incr', { key: 'n' })).toEqual({ value: 2 });
    expect(await kit.invoke('redis.incrBy', { key: 'n', by: 40 })).toEqual({ value: 42 });
    expect(await kit.invoke('redis.incrBy', { key: 'n', by: -50 })).toEqual({ value: -8 });
    await kit.invoke('redis.set', { key: 'text', value: 'abc' });
    await expect(kit.invoke('redis.incr', { key: 'text' })).rejects.toMatchObject({
      code: 'CONFLICT',
      connector: 'redis',
      action: 'incr',
    });
  });

  it('fails with CONFLICT when a key holds another type', async () => {
    await test.kit.invoke('redis.rpush', { key: 'list', values: ['a'] });
    const error = await test.kit.invoke('redis.get', { key: 'list' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CONFLICT', vendorCode: 'WRONGTYPE', retryable: false });
  });
});
