import { ConnectorError } from '@connectorkit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestKit, type TestKit } from './test-fixtures/redis-test-kit.js';

// Two kits, two connections: two processes contending for the same lock.
let first: TestKit;
let second: TestKit;
beforeAll(async () => {
  first = await createTestKit();
  second = await createTestKit({ keyPrefix: first.prefix });
});
afterEach(async () => first.clean());
afterAll(async () => {
  await second.kit.close();
  await second.raw.quit();
  await first.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('lock and unlock', () => {
  it('lets exactly one of two contenders in, each round', async () => {
    for (let round = 0; round < 20; round++) {
      const key = `lock:round-${round}`;
      const [a, b] = await Promise.all([
        first.kit.invoke('redis.lock', { key, ttlMs: 5_000 }),
        second.kit.invoke('redis.lock', { key, ttlMs: 5_000 }),
      ]);
      expect([a.acquired, b.acquired].filter(Boolean)).toHaveLength(1);
      const holder = a.acquired ? a : b;
      if (!holder.acquired) throw new Error('unreachable');
      expect(await first.raw.get(`${first.prefix}${key}`)).toBe(holder.token);
    }
  });

  it('makes the other contender wait until the holder unlocks', async () => {
    const held = await first.kit.invoke('redis.lock', { key: 'lock:job', ttlMs: 10_000 });
    if (!held.acquired) throw new Error('the first lock must be free');
    const started = Date.now();
    const waiting = second.kit.invoke('redis.lock', {
      key: 'lock:job',
      ttlMs: 10_000,
      waitMs: 3_000,
      retryDelayMs: 20,
    });
    await sleep(200);
    expect(await first.kit.invoke('redis.unlock', { key: 'lock:job', token: held.token })).toEqual({
      released: true,
    });
    const taken = await waiting;
    expect(taken.acquired).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answers acquired: false when the wait runs out', async () => {
    await first.kit.invoke('redis.lock', { key: 'lock:busy', ttlMs: 10_000 });
    const started = Date.now();
    expect(await second.kit.invoke('redis.lock', { key: 'lock:busy', ttlMs: 1_000, waitMs: 150 })).toEqual({
      acquired: false,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('frees itself when the holder never unlocks (expiry)', async () => {
    const a = await first.kit.invoke('redis.lock', { key: 'lock:crashy', ttlMs: 150 });
    expect(a.acquired).toBe(true);
    expect((await second.kit.invoke('redis.lock', { key: 'lock:crashy', ttlMs: 5_000 })).acquired).toBe(
      false,
    );
    await sleep(250);
    const b = await second.kit.invoke('redis.lock', { key: 'lock:crashy', ttlMs: 5_000 });
    expect(b.acquired).toBe(true);
    // The late first holder cannot release what is now the second holder's lock.
    if (!a.acquired || !b.acquired) throw new Error('unreachable');
    expect(await first.kit.invoke('redis.unlock', { key: 'lock:crashy', token: a.token })).toEqual({
      released: false,
    });
    expect(await first.raw.get(`${first.prefix}lock:crashy`)).toBe(b.token);
  });

  it('refuses an unlock with the wrong token and keeps the lock', async () => {
    const held = await first.kit.invoke('redis.lock', { key: 'lock:mine', ttlMs: 10_000 });
    if (!held.acquired) throw new Error('the lock must be free');
    expect(await second.kit.invoke('redis.unlock', { key: 'lock:mine', token: 'not-the-token' })).toEqual({
      released: false,
    });
    expect(await first.raw.get(`${first.prefix}lock:mine`)).toBe(held.token);
    expect(await first.kit.invoke('redis.unlock', { key: 'lock:mine', token: held.token })).toEqual({
      released: true,
    });
    expect(await first.kit.invoke('redis.unlock', { key: 'lock:mine', token: held.token })).toEqual({
      released: false,
    });
  });

  it('with a caller-chosen token, a repeated lock by the same holder succeeds and renews the expiry', async () => {
    const token = 'worker-7';
    expect(await first.kit.invoke('redis.lock', { key: 'lock:renew', ttlMs: 1_000, token })).toEqual({
      acquired: true,
      token,
      ttlMs: 1_000,
    });
    expect(await first.kit.invoke('redis.lock', { key: 'lock:renew', ttlMs: 60_000, token })).toMatchObject({
      acquired: true,
    });
    expect(await first.raw.pttl(`${first.prefix}lock:renew`)).toBeGreaterThan(50_000);
    expect(
      await second.kit.invoke('redis.lock', { key: 'lock:renew', ttlMs: 1_000, token: 'worker-8' }),
    ).toEqual({
      acquired: false,
    });
  });

  it('stops waiting when the caller aborts: CANCELLED, and the abandoned wait never takes the lock', async () => {
    const held = await first.kit.invoke('redis.lock', { key: 'lock:long', ttlMs: 10_000 });
    if (!held.acquired) throw new Error('the lock must be free');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await second.kit
      .invoke('redis.lock', { key: 'lock:long', ttlMs: 1_000, waitMs: 5_000 }, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    // Well before waitMs (5 s) ran out.
    expect(Date.now() - started).toBeLessThan(4_000);
    // Had the action ignored its signal, it would grab the lock once it is free.
    await first.kit.invoke('redis.unlock', { key: 'lock:long', token: held.token });
    await sleep(300);
    expect(await first.raw.get(`${first.prefix}lock:long`)).toBeNull();
  });
});
