import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestKit, type TestKit } from '../test-fixtures/redis-test-kit.js';

let test: TestKit;
beforeAll(async () => {
  test = await createTestKit();
});
afterEach(async () => test.clean());
afterAll(async () => test.close());

describe('json', () => {
  it('jsonSet stores JSON text, jsonGet parses it', async () => {
    const { kit, raw, prefix } = test;
    const value = { theme: 'dark', pageSize: 50, tags: ['a', 'b'], nested: { on: true, none: null } };
    expect(await kit.invoke('redis.jsonSet', { key: 'settings', value })).toEqual({ written: true });
    expect(JSON.parse((await raw.get(`${prefix}settings`)) ?? '')).toEqual(value);
    expect(await kit.invoke('redis.jsonGet', { key: 'settings' })).toEqual({ found: true, value });
    expect(await kit.invoke('redis.jsonGet', { key: 'missing' })).toEqual({ found: false, value: null });
  });

  it('stores scalars and null, tells a stored null from a missing key', async () => {
    const { kit } = test;
    await kit.invoke('redis.jsonSet', { key: 'n', value: null });
    await kit.invoke('redis.jsonSet', { key: 'x', value: 42 });
    expect(await kit.invoke('redis.jsonGet', { key: 'n' })).toEqual({ found: true, value: null });
    expect(await kit.invoke('redis.jsonGet', { key: 'x' })).toEqual({ found: true, value: 42 });
  });

  it('honours expiry and conditions', async () => {
    const { kit, raw, prefix } = test;
    await kit.invoke('redis.jsonSet', { key: 'j', value: [1], ex: 100 });
    expect(await raw.ttl(`${prefix}j`)).toBeGreaterThan(90);
    expect(await kit.invoke('redis.jsonSet', { key: 'j', value: [2], nx: true })).toEqual({ written: false });
    expect(await kit.invoke('redis.jsonSet', { key: 'j', value: [3], xx: true, px: 50_000 })).toEqual({
      written: true,
    });
    expect(await kit.invoke('redis.jsonGet', { key: 'j' })).toEqual({ found: true, value: [3] });
  });

  it('fails with CONFLICT when the key holds text that is not JSON', async () => {
    const { kit } = test;
    await kit.invoke('redis.set', { key: 'plain', value: 'not json {' });
    await expect(kit.invoke('redis.jsonGet', { key: 'plain' })).rejects.toMatchObject({
      code: 'CONFLICT',
      action: 'jsonGet',
    });
  });
});
