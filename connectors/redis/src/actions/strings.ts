import { type Static, Type } from '@connectorkit/core';
import { conditionalWrite } from '../conditional-write.js';
import type { RedisClient } from '../connection.js';
import { defineRedisAction } from '../define-redis-action.js';
import { inputError } from '../input-error.js';
import { Key, Keys, NullableString } from '../schemas.js';

export const get = defineRedisAction({
  title: 'Get',
  description: 'Reads the string value of a key (GET); value is null when the key does not exist.',
  input: Type.Object({ key: Key }),
  output: Type.Object({ value: NullableString }),
  idempotent: true,
  examples: [{ title: 'Read a cached value', input: { key: 'greeting' } }],
  // `then` with a shared function, not `async`: this is the hottest path of the connector.
  run: ({ key }, { client }) => client.get(key).then(asValue),
});

const asValue = (value: string | null) => ({ value });
const asWritten = (reply: unknown) => ({ written: reply === 'OK' });

const SetInput = Type.Object({
  key: Key,
  value: Type.String(),
  ex: Type.Optional(Type.Integer({ minimum: 1, description: 'Expire after this many seconds (EX)' })),
  px: Type.Optional(Type.Integer({ minimum: 1, description: 'Expire after this many milliseconds (PX)' })),
  keepTtl: Type.Optional(Type.Boolean({ description: 'Keep the current time to live (KEEPTTL)' })),
  nx: Type.Optional(Type.Boolean({ description: 'Only set when the key does not exist (NX)' })),
  xx: Type.Optional(Type.Boolean({ description: 'Only set when the key exists (XX)' })),
  get: Type.Optional(Type.Boolean({ description: 'Return the previous value (GET)' })),
});

export const set = defineRedisAction({
  title: 'Set',
  description:
    'Writes a string value (SET) with an optional expiry (ex seconds / px milliseconds / keepTtl) and condition (nx: only if absent, xx: only if present). written is false when the condition stopped it; with get: true, previous holds the old value.',
  input: SetInput,
  output: Type.Object({
    written: Type.Boolean(),
    previous: Type.Optional(NullableString),
  }),
  idempotent: true,
  examples: [
    {
      title: 'Cache for a minute',
      input: { key: 'greeting', value: 'hello', ex: 60 },
      output: { written: true },
    },
    { title: 'Only if absent', input: { key: 'job:42:owner', value: 'worker-1', nx: true, px: 30_000 } },
  ],
  run: (input, { client }) => {
    // Plain SET (no expiry, no condition): no argument list to build.
    if (
      input.ex === undefined &&
      input.px === undefined &&
      input.keepTtl !== true &&
      input.nx !== true &&
      input.xx !== true &&
      input.get !== true
    ) {
      return client.set(input.key, input.value).then(asWritten);
    }
    return setWithOptions(input, client);
  },
});

async function setWithOptions(
  input: Static<typeof SetInput>,
  client: RedisClient,
): Promise<{ written: boolean; previous?: string | null }> {
  const expiries = (['ex', 'px', 'keepTtl'] as const).filter(
    (name) => input[name] !== undefined && input[name] !== false,
  );
  if (expiries.length > 1) {
    throw inputError(`set: use one of ex, px and keepTtl, not ${expiries.join(' and ')}`, `$.${expiries[1]}`);
  }
  if (input.nx === true && input.xx === true) throw inputError('set: nx and xx exclude each other', '$.xx');
  const args: (string | number)[] = [input.key, input.value];
  if (input.ex !== undefined) args.push('EX', input.ex);
  if (input.px !== undefined) args.push('PX', input.px);
  if (input.keepTtl === true) args.push('KEEPTTL');
  if (input.nx === true) args.push('NX');
  if (input.xx === true) args.push('XX');
  const conditional = input.nx === true || input.xx === true || input.get === true;
  const write = (): Promise<unknown> => {
    const reply = client.call('SET', ...args);
    return conditional ? conditionalWrite(reply) : reply;
  };
  if (input.get !== true) return { written: (await write()) === 'OK' };
  args.push('GET');
  const previous = (await write()) as string | null;
  const written = input.nx === true ? previous === null : input.xx === true ? previous !== null : true;
  return { written, previous };
}

export const mget = defineRedisAction({
  title: 'Get many',
  description:
    'Reads several string values at once (MGET); values line up with keys, null where a key is missing.',
  input: Type.Object({ keys: Keys }),
  output: Type.Object({ values: Type.Array(NullableString) }),
  idempotent: true,
  examples: [{ input: { keys: ['user:1:name', 'user:2:name'] } }],
  run: async ({ keys }, { client }) => ({ values: await client.mget(keys) }),
});

export const mset = defineRedisAction({
  title: 'Set many',
  description:
    'Writes several string values atomically (MSET). With nx: true nothing is written unless all keys are absent (MSETNX); written says whether it happened.',
  input: Type.Object({
    entries: Type.Record(Type.String({ minLength: 1 }), Type.String(), {
      minProperties: 1,
      description: 'key → value',
    }),
    nx: Type.Optional(Type.Boolean({ description: 'Only when none of the keys exists (MSETNX)' })),
  }),
  output: Type.Object({ written: Type.Boolean() }),
  idempotent: true,
  examples: [
    { input: { entries: { 'user:1:name': 'Ada', 'user:2:name': 'Grace' } }, output: { written: true } },
  ],
  run: async ({ entries, nx }, { client }) => {
    const pairs = Object.entries(entries).flat();
    if (nx === true) return { written: (await conditionalWrite(client.call('MSETNX', ...pairs))) === 1 };
    await client.call('MSET', ...pairs);
    return { written: true };
  },
});

export const incr = defineRedisAction({
  title: 'Increment',
  description:
    'Adds 1 to the integer stored at a key (INCR), starting from 0 when absent; returns the new value.',
  input: Type.Object({ key: Key }),
  output: Type.Object({ value: Type.Integer() }),
  examples: [{ input: { key: 'page:views' } }],
  run: async ({ key }, { client }) => ({ value: await client.incr(key) }),
});

export const incrBy = defineRedisAction({
  title: 'Increment by',
  description:
    'Adds an integer (negative to subtract) to the integer stored at a key (INCRBY); returns the new value.',
  input: Type.Object({ key: Key, by: Type.Integer({ description: 'Amount to add; negative subtracts' }) }),
  output: Type.Object({ value: Type.Integer() }),
  examples: [{ input: { key: 'stock:sku-1', by: -2 } }],
  run: async ({ key, by }, { client }) => ({ value: await client.incrby(key, by) }),
});
