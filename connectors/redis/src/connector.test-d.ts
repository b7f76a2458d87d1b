import { type ActionInput, type ActionOutput, createKit, type Redacted, Type } from '@connectorkit/core';
import type { Cluster, Redis } from 'ioredis';
import { describe, expectTypeOf, it } from 'vitest';
import type { get, set } from './actions/strings.js';
import type { RedisClient, RedisConnectionConfig } from './connection.js';
import { defineRedisAction } from './define-redis-action.js';
import redis from './index.js';
import type { lock } from './lock.js';

const kit = createKit({
  connectors: [redis],
  connections: { cache: { connector: 'redis', url: 'redis://127.0.0.1' } },
});

describe('types of the Redis connector', () => {
  it('types invoke input and output from the action schemas', () => {
    expectTypeOf(kit.invoke('redis.get', { key: 'k' })).resolves.toEqualTypeOf<{ value: string | null }>();
    expectTypeOf(kit.invoke('redis.mget', { keys: ['a'] })).resolves.toEqualTypeOf<{
      values: (string | null)[];
    }>();
    expectTypeOf(kit.invoke('redis.incr', { key: 'n' })).resolves.toEqualTypeOf<{ value: number }>();
    expectTypeOf<ActionInput<typeof get>>().toEqualTypeOf<{ key: string }>();
    expectTypeOf<ActionOutput<typeof set>>().toEqualTypeOf<{ written: boolean; previous?: string | null }>();
  });

  it('lets callers leave out fields that have defaults', () => {
    expectTypeOf(kit.invoke('redis.lrange', { key: 'list' })).resolves.toEqualTypeOf<{ values: string[] }>();
    expectTypeOf(kit.invoke('redis.scan', {})).resolves.toEqualTypeOf<{
      cursor: string;
      keys: string[];
      done: boolean;
    }>();
    expectTypeOf(kit.invoke('redis.lock', { key: 'l', ttlMs: 1_000 })).toBeObject();
  });

  it('rejects wrong input at compile time', () => {
    // @ts-expect-error key is required
    void kit.invoke('redis.get', {});
    // @ts-expect-error value must be a string
    void kit.invoke('redis.set', { key: 'k', value: 42 });
    // @ts-expect-error no such action
    void kit.invoke('redis.nope', {});
    // @ts-expect-error ttlMs is required
    void kit.invoke('redis.lock', { key: 'l' });
    // @ts-expect-error condition is one of NX, XX, GT, LT
    void kit.invoke('redis.expire', { key: 'k', seconds: 1, condition: 'SOMETIMES' });
  });

  it('makes the lock result a union narrowed by acquired', () => {
    type LockResult = ActionOutput<typeof lock>;
    const result = {} as LockResult;
    if (result.acquired) expectTypeOf(result.token).toEqualTypeOf<string>();
    else {
      // @ts-expect-error no token without the lock
      void result.token;
    }
  });

  it('types the events of the triggers', async () => {
    await kit.startTrigger(
      'redis.stream',
      { stream: 's', group: 'g' },
      {
        handler: async (event) => {
          expectTypeOf(event).toEqualTypeOf<{
            stream: string;
            id: string;
            fields: { [x: string]: string };
            deliveries: number;
          }>();
        },
      },
    );
    await kit.startTrigger(
      'redis.message',
      { channels: ['c'] },
      {
        handler: async (event) => {
          expectTypeOf(event).toEqualTypeOf<{ channel: string; message: string; pattern?: string }>();
        },
      },
    );
  });

  it('gives actions the ioredis client and connect the secrets as Redacted', () => {
    expectTypeOf<RedisClient>().toEqualTypeOf<Redis | Cluster>();
    expectTypeOf<RedisConnectionConfig['password']>().toEqualTypeOf<Redacted | undefined>();
    expectTypeOf<RedisConnectionConfig['url']>().toEqualTypeOf<Redacted | undefined>();
    defineRedisAction({
      description: 'A custom action on the same connection.',
      input: Type.Object({ key: Type.String() }),
      output: Type.Object({ length: Type.Integer() }),
      run: async ({ key }, { client }) => {
        expectTypeOf(client).toEqualTypeOf<RedisClient>();
        return { length: await client.strlen(key) };
      },
    });
    defineRedisAction({
      description: 'Returns the wrong output type.',
      input: Type.Object({}),
      output: Type.Object({ length: Type.Integer() }),
      // @ts-expect-error output must match the schema
      run: async () => ({ length: 'long' }),
    });
  });
});
