import { ConnectorError, Type } from '@connectorkit/core';
import { defineRedisAction } from '../define-redis-action.js';
import { inputError } from '../input-error.js';
import { Count, Key } from '../schemas.js';

const ENTRY_ID = {
  pattern: '^(\\d+(-(\\d+|\\*))?|\\*)$',
  description: "An entry id: '<milliseconds>-<sequence>', or '*' to let Redis choose",
} as const;
const RANGE_BOUND = {
  pattern: '^(\\(?\\d+(-\\d+)?|-|\\+)$',
  description: "An entry id, '-' (the first) or '+' (the last); '(' in front excludes it",
} as const;

/** A stream entry as actions and the stream trigger return it. */
export const StreamEntry = Type.Object({
  id: Type.String(),
  fields: Type.Record(Type.String(), Type.String()),
});

const Trim = {
  maxLen: Type.Optional(Type.Integer({ minimum: 0, description: 'Keep at most this many entries (MAXLEN)' })),
  minId: Type.Optional(
    Type.String({ pattern: '^\\d+(-\\d+)?$', description: 'Drop entries older than this id (MINID)' }),
  ),
  approximate: Type.Optional(
    Type.Boolean({
      default: false,
      description: "Trim with '~': faster, may keep a few more entries than asked",
    }),
  ),
};

export const xadd = defineRedisAction({
  title: 'Stream add',
  description:
    'Appends an entry to a stream (XADD), creating the stream unless noMkStream; optionally trims it (maxLen or minId). Returns the new entry id.',
  input: Type.Object({
    stream: Key,
    fields: Type.Record(Type.String({ minLength: 1 }), Type.String(), {
      minProperties: 1,
      description: 'field → value',
    }),
    id: Type.Optional(Type.String({ ...ENTRY_ID, default: '*' })),
    noMkStream: Type.Optional(
      Type.Boolean({ default: false, description: 'Fail with NOT_FOUND when the stream does not exist' }),
    ),
    ...Trim,
  }),
  output: Type.Object({ id: Type.String() }),
  examples: [
    {
      input: {
        stream: 'orders',
        fields: { orderId: '42', status: 'paid' },
        id: '*',
        noMkStream: false,
        maxLen: 10_000,
        approximate: true,
      },
    },
  ],
  run: async (
    { stream, fields, id = '*', noMkStream = false, maxLen, minId, approximate = false },
    { client },
  ) => {
    const args: (string | number)[] = [stream];
    if (noMkStream) args.push('NOMKSTREAM');
    args.push(...trimArguments(maxLen, minId, approximate), id, ...Object.entries(fields).flat());
    const added = (await client.call('XADD', ...args)) as string | null;
    if (added === null) {
      throw new ConnectorError('NOT_FOUND', `xadd: stream '${stream}' does not exist (noMkStream is set)`);
    }
    return { id: added };
  },
});

export const xrange = defineRedisAction({
  title: 'Stream range',
  description:
    "Reads entries between two ids, both included (XRANGE), oldest first, or newest first with reverse (XREVRANGE); start is always the lower bound and end the upper one. Page forwards with count and start: '(<last id>', backwards (reverse) with count and end: '(<last id>'.",
  input: Type.Object({
    stream: Key,
    start: Type.Optional(Type.String({ ...RANGE_BOUND, default: '-' })),
    end: Type.Optional(Type.String({ ...RANGE_BOUND, default: '+' })),
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    reverse: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Newest first (XREVRANGE); start and end keep their meaning',
      }),
    ),
  }),
  output: Type.Object({ entries: Type.Array(StreamEntry) }),
  idempotent: true,
  examples: [
    {
      title: 'The oldest 100',
      input: { stream: 'orders', start: '-', end: '+', count: 100, reverse: false },
    },
  ],
  run: async ({ stream, start = '-', end = '+', count, reverse = false }, { client }) => {
    const args: (string | number)[] = reverse ? [stream, end, start] : [stream, start, end];
    if (count !== undefined) args.push('COUNT', count);
    const reply = (await client.call(reverse ? 'XREVRANGE' : 'XRANGE', ...args)) as RawEntry[];
    return { entries: reply.map(toStreamEntry) };
  },
});

export const xlen = defineRedisAction({
  title: 'Stream length',
  description: 'Counts the entries of a stream (XLEN); 0 when it does not exist.',
  input: Type.Object({ stream: Key }),
  output: Type.Object({ length: Count }),
  idempotent: true,
  examples: [{ input: { stream: 'orders' } }],
  run: async ({ stream }, { client }) => ({ length: await client.xlen(stream) }),
});

export const xtrim = defineRedisAction({
  title: 'Stream trim',
  description:
    'Drops the oldest entries of a stream (XTRIM) so that at most maxLen remain, or those older than minId; returns how many were dropped.',
  input: Type.Object({ stream: Key, ...Trim }),
  output: Type.Object({ deleted: Count }),
  idempotent: true,
  examples: [{ input: { stream: 'orders', maxLen: 1000, approximate: false } }],
  run: async ({ stream, maxLen, minId, approximate = false }, { client }) => {
    const trim = trimArguments(maxLen, minId, approximate);
    if (trim.length === 0) throw inputError('xtrim: give maxLen or minId', '$.maxLen');
    return { deleted: (await client.call('XTRIM', stream, ...trim)) as number };
  },
});

function trimArguments(
  maxLen: number | undefined,
  minId: string | undefined,
  approximate: boolean,
): (string | number)[] {
  if (maxLen !== undefined && minId !== undefined) {
    throw inputError('give one of maxLen and minId, not both', '$.minId');
  }
  const operator = approximate ? '~' : '=';
  if (maxLen !== undefined) return ['MAXLEN', operator, maxLen];
  if (minId !== undefined) return ['MINID', operator, minId];
  return [];
}

/** A stream entry as Redis replies it: id and a flat list of field, value, field, value… */
export type RawEntry = [id: string, fields: string[] | null];

/** Turns a raw entry into `{ id, fields }`; a field named twice keeps its last value. */
export function toStreamEntry([id, flat]: RawEntry): { id: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  for (let index = 0; flat !== null && index + 1 < flat.length; index += 2) {
    fields[flat[index] as string] = flat[index + 1] as string;
  }
  return { id, fields };
}
