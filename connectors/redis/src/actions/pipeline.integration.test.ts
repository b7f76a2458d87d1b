import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestKit, type TestKit } from '../test-fixtures/redis-test-kit.js';

let test: TestKit;
beforeAll(async () => {
  test = await createTestKit();
});
afterEach(async () => test.clean());
afterAll(async () => test.close());

describe('pipeline', () => {
  it('runs commands in order, each with its own result or error; keys get the prefix', async () => {
    const { kit, raw, prefix } = test;
    const { results, failed } = await kit.invoke('redis.pipeline', {
      commands: [
        { command: 'SET', args: ['a', '1'] },
        { command: 'incrby', args: ['a', 41] },
        { command: 'HSET', args: ['h', 'f', 'v'] },
        { command: 'INCR', args: ['h'] },
        { command: 'GET', args: ['a'] },
        { command: 'PING' },
      ],
    });
    expect(results).toEqual([
      { ok: true, value: 'OK' },
      { ok: true, value: 42 },
      { ok: true, value: 1 },
      { ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('WRONGTYPE') } },
      { ok: true, value: '42' },
      { ok: true, value: 'PONG' },
    ]);
    expect(failed).toBe(1);
    expect(await raw.get(`${prefix}a`)).toBe('42');
  });

  it('refuses commands that would break the shared connection, naming the command', async () => {
    const { kit } = test;
    for (const command of ['BLPOP', 'subscribe', 'SELECT', 'MULTI', 'XREADGROUP']) {
      await expect(
        kit.invoke('redis.pipeline', { commands: [{ command: 'PING' }, { command, args: ['x', 0] }] }),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT', path: '$.commands[1].command' });
    }
    for (const command of ['SYNC', 'psync', 'REPLICAOF']) {
      await expect(
        kit.invoke('redis.transaction', { commands: [{ command, args: ['no', 'one'] }] }),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT', path: '$.commands[0].command' });
    }
    await expect(
      kit.invoke('redis.pipeline', { commands: [{ command: 'XINFO', args: ['GROUPS', 's'] }] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('keyPrefix') });
  });

  it('refuses, under a keyPrefix, commands that reach keys outside it; nothing runs', async () => {
    const { kit, raw, prefix } = test;
    await raw.set('ck-outside-the-prefix', 'kept');
    try {
      for (const [command, args] of [
        ['KEYS', ['*']],
        ['scan', [0]],
        ['RANDOMKEY', []],
        ['FLUSHDB', []],
        ['FLUSHALL', []],
        ['SWAPDB', [0, 1]],
        ['SORT', ['list', 'BY', 'weight_*']],
        ['SORT_RO', ['list', 'get', '#']],
      ] as const) {
        await expect(
          kit.invoke('redis.pipeline', {
            commands: [
              { command: 'SET', args: ['before', '1'] },
              { command, args: [...args] },
            ],
          }),
        ).rejects.toMatchObject({
          code: 'INVALID_INPUT',
          path: '$.commands[1].command',
          message: expect.stringContaining('keyPrefix'),
        });
      }
      expect(await raw.get(`${prefix}before`)).toBeNull();
      expect(await raw.get('ck-outside-the-prefix')).toBe('kept');
      // A SORT of the prefixed list itself stays allowed.
      await raw.rpush(`${prefix}list`, '3', '1', '2');
      const { results } = await kit.invoke('redis.pipeline', {
        commands: [{ command: 'SORT', args: ['list'] }],
      });
      expect(results).toEqual([{ ok: true, value: ['1', '2', '3'] }]);
    } finally {
      await raw.del('ck-outside-the-prefix');
    }
  });
});

describe('transaction', () => {
  it('runs commands atomically with MULTI/EXEC', async () => {
    const { kit } = test;
    await kit.invoke('redis.mset', { entries: { 'stock:warehouse': '10', 'stock:shop': '0' } });
    const { results, failed } = await kit.invoke('redis.transaction', {
      commands: [
        { command: 'DECRBY', args: ['stock:warehouse', 5] },
        { command: 'INCRBY', args: ['stock:shop', 5] },
      ],
    });
    expect(failed).toBe(0);
    expect(results).toEqual([
      { ok: true, value: 5 },
      { ok: true, value: 5 },
    ]);
  });

  it('runs nothing when Redis rejects a command while queueing: INVALID_INPUT', async () => {
    const { kit } = test;
    const error = await kit
      .invoke('redis.transaction', {
        commands: [
          { command: 'SET', args: ['t', '1'] },
          { command: 'NOSUCHCOMMAND', args: ['t'] },
        ],
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      action: 'transaction',
      message: expect.stringContaining('NOSUCHCOMMAND'),
    });
    expect(await kit.invoke('redis.get', { key: 't' })).toEqual({ value: null });
  });

  it('reports a command failing while running, without undoing the others (Redis semantics)', async () => {
    const { kit } = test;
    await kit.invoke('redis.sadd', { key: 'set', members: ['m'] });
    const { results, failed } = await kit.invoke('redis.transaction', {
      commands: [
        { command: 'SET', args: ['t', '1'] },
        { command: 'INCR', args: ['set'] },
      ],
    });
    expect(failed).toBe(1);
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await kit.invoke('redis.get', { key: 't' })).toEqual({ value: '1' });
  });
});
