import { Type } from '@connectorkit/core';
import { defineRedisAction } from '../define-redis-action.js';
import { Count, Key, NullableString } from '../schemas.js';

const Field = Type.String({ minLength: 1, description: 'Hash field' });
const Fields = Type.Array(Field, { minItems: 1 });

export const hget = defineRedisAction({
  title: 'Hash get',
  description: 'Reads one field of a hash (HGET); value is null when the key or field does not exist.',
  input: Type.Object({ key: Key, field: Field }),
  output: Type.Object({ value: NullableString }),
  idempotent: true,
  examples: [{ input: { key: 'user:1', field: 'email' } }],
  run: async ({ key, field }, { client }) => ({ value: await client.hget(key, field) }),
});

export const hset = defineRedisAction({
  title: 'Hash set',
  description: 'Writes fields of a hash, creating it if needed (HSET); returns how many fields were new.',
  input: Type.Object({
    key: Key,
    fields: Type.Record(Type.String({ minLength: 1 }), Type.String(), {
      minProperties: 1,
      description: 'field → value',
    }),
  }),
  output: Type.Object({ added: Count }),
  idempotent: true,
  examples: [{ input: { key: 'user:1', fields: { name: 'Ada', email: 'ada@example.com' } } }],
  run: async ({ key, fields }, { client }) => ({ added: await client.hset(key, fields) }),
});

export const hmget = defineRedisAction({
  title: 'Hash get many',
  description: 'Reads several fields of a hash (HMGET); values line up with fields, null where missing.',
  input: Type.Object({ key: Key, fields: Fields }),
  output: Type.Object({ values: Type.Array(NullableString) }),
  idempotent: true,
  examples: [{ input: { key: 'user:1', fields: ['name', 'email'] } }],
  run: async ({ key, fields }, { client }) => ({ values: await client.hmget(key, ...fields) }),
});

export const hgetall = defineRedisAction({
  title: 'Hash get all',
  description: 'Reads every field of a hash (HGETALL); an empty object when the key does not exist.',
  input: Type.Object({ key: Key }),
  output: Type.Object({ fields: Type.Record(Type.String(), Type.String()) }),
  idempotent: true,
  examples: [{ input: { key: 'user:1' } }],
  run: async ({ key }, { client }) => ({ fields: { ...(await client.hgetall(key)) } }),
});

export const hdel = defineRedisAction({
  title: 'Hash delete',
  description: 'Removes fields from a hash (HDEL); returns how many existed.',
  input: Type.Object({ key: Key, fields: Fields }),
  output: Type.Object({ deleted: Count }),
  idempotent: true,
  examples: [{ input: { key: 'user:1', fields: ['email'] } }],
  run: async ({ key, fields }, { client }) => ({ deleted: await client.hdel(key, ...fields) }),
});

export const hincrBy = defineRedisAction({
  title: 'Hash increment by',
  description: 'Adds an integer to a hash field (HINCRBY), starting from 0; returns the new value.',
  input: Type.Object({
    key: Key,
    field: Field,
    by: Type.Integer({ description: 'Amount; negative subtracts' }),
  }),
  output: Type.Object({ value: Type.Integer() }),
  examples: [{ input: { key: 'cart:7', field: 'sku-1', by: 1 } }],
  run: async ({ key, field, by }, { client }) => ({ value: await client.hincrby(key, field, by) }),
});

export const hexists = defineRedisAction({
  title: 'Hash field exists',
  description: 'Says whether a hash has a field (HEXISTS).',
  input: Type.Object({ key: Key, field: Field }),
  output: Type.Object({ exists: Type.Boolean() }),
  idempotent: true,
  examples: [{ input: { key: 'user:1', field: 'email' } }],
  run: async ({ key, field }, { client }) => ({ exists: (await client.hexists(key, field)) === 1 }),
});

export const hlen = defineRedisAction({
  title: 'Hash length',
  description: 'Counts the fields of a hash (HLEN); 0 when the key does not exist.',
  input: Type.Object({ key: Key }),
  output: Type.Object({ length: Count }),
  idempotent: true,
  examples: [{ input: { key: 'user:1' } }],
  run: async ({ key }, { client }) => ({ length: await client.hlen(key) }),
});
