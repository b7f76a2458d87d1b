import { Type } from '@connectorkit/core';
import { defineRedisAction } from '../define-redis-action.js';
import { Count, Key, Keys } from '../schemas.js';

const Members = Type.Array(Type.String(), { minItems: 1 });

export const sadd = defineRedisAction({
  title: 'Set add',
  description: 'Adds members to a set, creating it if needed (SADD); returns how many were new.',
  input: Type.Object({ key: Key, members: Members }),
  output: Type.Object({ added: Count }),
  idempotent: true,
  examples: [{ input: { key: 'tags:post:1', members: ['redis', 'typescript'] } }],
  run: async ({ key, members }, { client }) => ({ added: await client.sadd(key, ...members) }),
});

export const srem = defineRedisAction({
  title: 'Set remove',
  description: 'Removes members from a set (SREM); returns how many were there.',
  input: Type.Object({ key: Key, members: Members }),
  output: Type.Object({ removed: Count }),
  idempotent: true,
  examples: [{ input: { key: 'tags:post:1', members: ['redis'] } }],
  run: async ({ key, members }, { client }) => ({ removed: await client.srem(key, ...members) }),
});

export const smembers = defineRedisAction({
  title: 'Set members',
  description: 'Reads every member of a set (SMEMBERS), in no particular order.',
  input: Type.Object({ key: Key }),
  output: Type.Object({ members: Type.Array(Type.String()) }),
  idempotent: true,
  examples: [{ input: { key: 'tags:post:1' } }],
  run: async ({ key }, { client }) => ({ members: await client.smembers(key) }),
});

export const sismember = defineRedisAction({
  title: 'Set contains',
  description: 'Says whether a value is a member of a set (SISMEMBER).',
  input: Type.Object({ key: Key, member: Type.String() }),
  output: Type.Object({ isMember: Type.Boolean() }),
  idempotent: true,
  examples: [{ input: { key: 'tags:post:1', member: 'redis' } }],
  run: async ({ key, member }, { client }) => ({ isMember: (await client.sismember(key, member)) === 1 }),
});

export const scard = defineRedisAction({
  title: 'Set size',
  description: 'Counts the members of a set (SCARD); 0 when the key does not exist.',
  input: Type.Object({ key: Key }),
  output: Type.Object({ count: Count }),
  idempotent: true,
  examples: [{ input: { key: 'tags:post:1' } }],
  run: async ({ key }, { client }) => ({ count: await client.scard(key) }),
});

/** SINTER, SUNION and SDIFF: one shape, three set operations over several keys. */
function setOperation(command: 'SINTER' | 'SUNION' | 'SDIFF', title: string, description: string) {
  return defineRedisAction({
    title,
    description,
    input: Type.Object({ keys: Keys }),
    output: Type.Object({ members: Type.Array(Type.String()) }),
    idempotent: true,
    examples: [{ input: { keys: ['tags:post:1', 'tags:post:2'] } }],
    run: async ({ keys }, { client }) => ({ members: (await client.call(command, ...keys)) as string[] }),
  });
}

export const sinter = setOperation(
  'SINTER',
  'Set intersection',
  'Reads the members every one of the sets has (SINTER), in no particular order; a missing key is an empty set.',
);

export const sunion = setOperation(
  'SUNION',
  'Set union',
  'Reads the members any of the sets has (SUNION), in no particular order; a missing key is an empty set.',
);

export const sdiff = setOperation(
  'SDIFF',
  'Set difference',
  'Reads the members of the first set that none of the others has (SDIFF), in no particular order.',
);
