import { Type } from '@connectorkit/core';
import { defineRedisAction } from '../define-redis-action.js';
import { Count, Key, NullableString } from '../schemas.js';

const Values = Type.Array(Type.String(), { minItems: 1 });
const PopInput = Type.Object({
  key: Key,
  count: Type.Optional(Type.Integer({ minimum: 1, default: 1, description: 'How many elements to pop' })),
});
const PopOutput = Type.Object({
  values: Type.Array(Type.String(), { description: 'Empty when the list was empty' }),
});

export const lpush = defineRedisAction({
  title: 'List push (head)',
  description: 'Prepends values to a list, creating it if needed (LPUSH); returns the new length.',
  input: Type.Object({ key: Key, values: Values }),
  output: Type.Object({ length: Count }),
  examples: [{ input: { key: 'jobs', values: ['job-1'] } }],
  run: async ({ key, values }, { client }) => ({ length: await client.lpush(key, ...values) }),
});

export const rpush = defineRedisAction({
  title: 'List push (tail)',
  description: 'Appends values to a list, creating it if needed (RPUSH); returns the new length.',
  input: Type.Object({ key: Key, values: Values }),
  output: Type.Object({ length: Count }),
  examples: [{ input: { key: 'jobs', values: ['job-1', 'job-2'] } }],
  run: async ({ key, values }, { client }) => ({ length: await client.rpush(key, ...values) }),
});

export const lpop = defineRedisAction({
  title: 'List pop (head)',
  description: 'Removes and returns up to count elements from the head of a list (LPOP).',
  input: PopInput,
  output: PopOutput,
  examples: [{ input: { key: 'jobs', count: 1 } }],
  run: async ({ key, count = 1 }, { client }) => ({ values: (await client.lpop(key, count)) ?? [] }),
});

export const rpop = defineRedisAction({
  title: 'List pop (tail)',
  description: 'Removes and returns up to count elements from the tail of a list (RPOP).',
  input: PopInput,
  output: PopOutput,
  examples: [{ input: { key: 'jobs', count: 1 } }],
  run: async ({ key, count = 1 }, { client }) => ({ values: (await client.rpop(key, count)) ?? [] }),
});

export const lrange = defineRedisAction({
  title: 'List range',
  description:
    'Reads elements between two indexes, both included (LRANGE); negative indexes count from the tail (-1 is the last).',
  input: Type.Object({
    key: Key,
    start: Type.Optional(Type.Integer({ default: 0 })),
    stop: Type.Optional(Type.Integer({ default: -1 })),
  }),
  output: Type.Object({ values: Type.Array(Type.String()) }),
  idempotent: true,
  examples: [{ title: 'The whole list', input: { key: 'jobs', start: 0, stop: -1 } }],
  run: async ({ key, start = 0, stop = -1 }, { client }) => ({
    values: await client.lrange(key, start, stop),
  }),
});

export const llen = defineRedisAction({
  title: 'List length',
  description: 'Counts the elements of a list (LLEN); 0 when the key does not exist.',
  input: Type.Object({ key: Key }),
  output: Type.Object({ length: Count }),
  idempotent: true,
  examples: [{ input: { key: 'jobs' } }],
  run: async ({ key }, { client }) => ({ length: await client.llen(key) }),
});

export const ltrim = defineRedisAction({
  title: 'List trim',
  description:
    'Keeps only the elements between two indexes, both included (LTRIM), and returns the resulting length.',
  input: Type.Object({ key: Key, start: Type.Integer(), stop: Type.Integer() }),
  output: Type.Object({ length: Count }),
  idempotent: true,
  examples: [{ title: 'Keep the newest 100', input: { key: 'events', start: 0, stop: 99 } }],
  run: async ({ key, start, stop }, { client }) => {
    const replies = await client.multi().ltrim(key, start, stop).llen(key).exec();
    return { length: lastInteger(replies) };
  },
});

export const lrem = defineRedisAction({
  title: 'List remove',
  description:
    'Removes elements equal to a value (LREM): count > 0 from the head, < 0 from the tail, 0 all of them; returns how many were removed.',
  input: Type.Object({ key: Key, value: Type.String(), count: Type.Optional(Type.Integer({ default: 0 })) }),
  output: Type.Object({ removed: Count }),
  examples: [{ input: { key: 'jobs', value: 'job-1', count: 0 } }],
  run: async ({ key, value, count = 0 }, { client }) => ({ removed: await client.lrem(key, count, value) }),
});

/** The integer reply of the last command of a transaction, rethrowing a command's error. */
export function lastInteger(replies: [error: Error | null, result: unknown][] | null): number {
  const last = replies?.at(-1);
  if (last === undefined) throw new Error('the transaction was aborted');
  for (const [error] of replies ?? []) if (error !== null) throw error;
  return Number(last[1]);
}

export const lindex = defineRedisAction({
  title: 'List element',
  description:
    'Reads the element at an index (LINDEX); negative indexes count from the tail (-1 is the last); null when out of range or the key does not exist.',
  input: Type.Object({ key: Key, index: Type.Integer() }),
  output: Type.Object({ value: NullableString }),
  idempotent: true,
  examples: [{ title: 'The last element', input: { key: 'jobs', index: -1 } }],
  run: async ({ key, index }, { client }) => ({ value: await client.lindex(key, index) }),
});
