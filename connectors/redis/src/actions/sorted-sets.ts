import { Type } from '@connectorkit/core';
import { defineRedisAction } from '../define-redis-action.js';
import { inputError } from '../input-error.js';
import { Count, Key } from '../schemas.js';

const ScoredMember = Type.Object({ member: Type.String(), score: Type.Number() });
const ScoredMembers = Type.Array(ScoredMember);
const SCORE_PATTERN = '^(\\(?[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?|[-+]inf)$';

/** A score bound: a number, or a string such as '(5' (5 excluded), '-inf' or '+inf'. */
function scoreBound(defaultValue: string) {
  return Type.Optional(
    Type.Union([Type.Number(), Type.String({ pattern: SCORE_PATTERN })], {
      default: defaultValue,
      description: "A score; the string '(5' excludes 5; '-inf' and '+inf' are the ends",
    }),
  );
}

export const zadd = defineRedisAction({
  title: 'Sorted set add',
  description:
    'Adds members with scores, or updates their scores (ZADD), optionally only new ones (NX), only existing ones (XX) or only when the score grows (GT) / shrinks (LT); returns how many members were new.',
  input: Type.Object({
    key: Key,
    members: Type.Array(ScoredMember, { minItems: 1 }),
    condition: Type.Optional(Type.Union([Type.Literal('NX'), Type.Literal('XX')])),
    comparison: Type.Optional(Type.Union([Type.Literal('GT'), Type.Literal('LT')])),
  }),
  output: Type.Object({ added: Count }),
  idempotent: true,
  examples: [{ input: { key: 'leaderboard', members: [{ member: 'ada', score: 42 }] } }],
  run: async ({ key, members, condition, comparison }, { client }) => {
    if (condition === 'NX' && comparison !== undefined) {
      throw inputError('zadd: NX cannot be combined with GT or LT', '$.comparison');
    }
    const args: (string | number)[] = [key];
    if (condition !== undefined) args.push(condition);
    if (comparison !== undefined) args.push(comparison);
    for (const { member, score } of members) args.push(score, member);
    return { added: (await client.call('ZADD', ...args)) as number };
  },
});

export const zrem = defineRedisAction({
  title: 'Sorted set remove',
  description: 'Removes members from a sorted set (ZREM); returns how many were there.',
  input: Type.Object({ key: Key, members: Type.Array(Type.String(), { minItems: 1 }) }),
  output: Type.Object({ removed: Count }),
  idempotent: true,
  examples: [{ input: { key: 'leaderboard', members: ['ada'] } }],
  run: async ({ key, members }, { client }) => ({ removed: await client.zrem(key, ...members) }),
});

export const zscore = defineRedisAction({
  title: 'Sorted set score',
  description: 'Reads the score of a member (ZSCORE); null when the key or member does not exist.',
  input: Type.Object({ key: Key, member: Type.String() }),
  output: Type.Object({ score: Type.Union([Type.Number(), Type.Null()]) }),
  idempotent: true,
  examples: [{ input: { key: 'leaderboard', member: 'ada' } }],
  run: async ({ key, member }, { client }) => {
    const score = await client.zscore(key, member);
    return { score: score === null ? null : parseScore(score) };
  },
});

export const zincrBy = defineRedisAction({
  title: 'Sorted set increment',
  description: 'Adds to the score of a member, adding the member if needed (ZINCRBY); returns the new score.',
  input: Type.Object({ key: Key, member: Type.String(), by: Type.Number() }),
  output: Type.Object({ score: Type.Number() }),
  examples: [{ input: { key: 'leaderboard', member: 'ada', by: 5 } }],
  run: async ({ key, member, by }, { client }) => ({
    score: parseScore(await client.zincrby(key, by, member)),
  }),
});

export const zrange = defineRedisAction({
  title: 'Sorted set range by rank',
  description:
    'Reads members with their scores between two ranks, both included (ZRANGE … WITHSCORES); lowest score first, or highest first with reverse. Negative ranks count from the end.',
  input: Type.Object({
    key: Key,
    start: Type.Optional(Type.Integer({ default: 0 })),
    stop: Type.Optional(Type.Integer({ default: -1 })),
    reverse: Type.Optional(Type.Boolean({ default: false })),
  }),
  output: Type.Object({ members: ScoredMembers }),
  idempotent: true,
  examples: [{ title: 'Top 10', input: { key: 'leaderboard', start: 0, stop: 9, reverse: true } }],
  run: async ({ key, start = 0, stop = -1, reverse = false }, { client }) => {
    const args: (string | number)[] = [key, start, stop];
    if (reverse) args.push('REV');
    args.push('WITHSCORES');
    return { members: pairs((await client.call('ZRANGE', ...args)) as string[]) };
  },
});

export const zrangeByScore = defineRedisAction({
  title: 'Sorted set range by score',
  description:
    "Reads members with their scores between two scores (ZRANGE … BYSCORE WITHSCORES), both included unless written '(5'; with reverse the highest first. offset/count page through the result.",
  input: Type.Object({
    key: Key,
    min: scoreBound('-inf'),
    max: scoreBound('+inf'),
    reverse: Type.Optional(Type.Boolean({ default: false })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    count: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
  output: Type.Object({ members: ScoredMembers }),
  idempotent: true,
  examples: [{ input: { key: 'leaderboard', min: 10, max: '+inf', reverse: false, offset: 0, count: 20 } }],
  run: async ({ key, min = '-inf', max = '+inf', reverse = false, offset = 0, count }, { client }) => {
    // With REV, ZRANGE takes the bounds from high to low.
    const args: (string | number)[] = reverse
      ? [key, max, min, 'BYSCORE', 'REV']
      : [key, min, max, 'BYSCORE'];
    if (count !== undefined || offset > 0) args.push('LIMIT', offset, count ?? -1);
    args.push('WITHSCORES');
    return { members: pairs((await client.call('ZRANGE', ...args)) as string[]) };
  },
});

export const zcard = defineRedisAction({
  title: 'Sorted set size',
  description: 'Counts the members of a sorted set (ZCARD); 0 when the key does not exist.',
  input: Type.Object({ key: Key }),
  output: Type.Object({ count: Count }),
  idempotent: true,
  examples: [{ input: { key: 'leaderboard' } }],
  run: async ({ key }, { client }) => ({ count: await client.zcard(key) }),
});

export const zcount = defineRedisAction({
  title: 'Sorted set count by score',
  description:
    "Counts the members with a score between two scores (ZCOUNT), both included unless written '(5'.",
  input: Type.Object({ key: Key, min: scoreBound('-inf'), max: scoreBound('+inf') }),
  output: Type.Object({ count: Count }),
  idempotent: true,
  examples: [{ input: { key: 'leaderboard', min: 100, max: '+inf' } }],
  run: async ({ key, min = '-inf', max = '+inf' }, { client }) => ({
    count: await client.zcount(key, min, max),
  }),
});

export const zrank = defineRedisAction({
  title: 'Sorted set rank',
  description:
    'The 0-based rank of a member, lowest score first (ZRANK) or highest first with reverse (ZREVRANK); null when absent.',
  input: Type.Object({
    key: Key,
    member: Type.String(),
    reverse: Type.Optional(Type.Boolean({ default: false })),
  }),
  output: Type.Object({ rank: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]) }),
  idempotent: true,
  examples: [{ input: { key: 'leaderboard', member: 'ada', reverse: true } }],
  run: async ({ key, member, reverse = false }, { client }) => ({
    rank: reverse ? await client.zrevrank(key, member) : await client.zrank(key, member),
  }),
});

function pairs(reply: string[]): { member: string; score: number }[] {
  const members: { member: string; score: number }[] = [];
  for (let index = 0; index + 1 < reply.length; index += 2) {
    members.push({ member: reply[index] as string, score: parseScore(reply[index + 1] as string) });
  }
  return members;
}

/** Redis scores are decimal strings, with 'inf' and '-inf' for the infinities. */
function parseScore(text: string): number {
  if (text === 'inf' || text === '+inf') return Number.POSITIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}
