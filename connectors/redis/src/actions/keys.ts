import { Type } from '@connectorkit/core';
import { Cluster } from 'ioredis';
import { keyPrefixOf, type RedisClient } from '../connection.js';
import { defineRedisAction } from '../define-redis-action.js';
import { inputError } from '../input-error.js';
import { Count, Key, Keys } from '../schemas.js';

export const del = defineRedisAction({
  title: 'Delete',
  description: 'Deletes keys of any type (DEL); returns how many existed.',
  input: Type.Object({ keys: Keys }),
  output: Type.Object({ deleted: Count }),
  idempotent: true,
  examples: [{ input: { keys: ['session:abc'] } }],
  run: async ({ keys }, { client }) => ({ deleted: await client.del(keys) }),
});

export const expire = defineRedisAction({
  title: 'Expire',
  description:
    'Sets the time to live of a key in seconds (EXPIRE) or milliseconds (PEXPIRE), optionally only under a condition (NX, XX, GT, LT). updated is false when the key does not exist or the condition was not met.',
  input: Type.Object({
    key: Key,
    seconds: Type.Optional(Type.Integer({ minimum: 0 })),
    milliseconds: Type.Optional(Type.Integer({ minimum: 0 })),
    condition: Type.Optional(
      Type.Union([Type.Literal('NX'), Type.Literal('XX'), Type.Literal('GT'), Type.Literal('LT')], {
        description: 'NX: only without expiry; XX: only with one; GT/LT: only if longer/shorter',
      }),
    ),
  }),
  output: Type.Object({ updated: Type.Boolean() }),
  idempotent: true,
  examples: [{ input: { key: 'session:abc', seconds: 3600 } }],
  run: async ({ key, seconds, milliseconds, condition }, { client }) => {
    if ((seconds === undefined) === (milliseconds === undefined)) {
      throw inputError('expire: give exactly one of seconds and milliseconds', '$.seconds');
    }
    const args: (string | number)[] = seconds === undefined ? [key, milliseconds as number] : [key, seconds];
    if (condition !== undefined) args.push(condition);
    const reply = await client.call(seconds === undefined ? 'PEXPIRE' : 'EXPIRE', ...args);
    return { updated: reply === 1 };
  },
});

export const ttl = defineRedisAction({
  title: 'Time to live',
  description:
    'Reads the remaining time to live of a key in milliseconds (PTTL); ttlMs is null when the key has no expiry or does not exist (see exists).',
  input: Type.Object({ key: Key }),
  output: Type.Object({
    exists: Type.Boolean(),
    ttlMs: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  }),
  idempotent: true,
  examples: [{ input: { key: 'session:abc' } }],
  run: async ({ key }, { client }) => {
    const reply = await client.pttl(key);
    return { exists: reply !== -2, ttlMs: reply >= 0 ? reply : null };
  },
});

export const exists = defineRedisAction({
  title: 'Exists',
  description: 'Counts how many of the given keys exist (EXISTS); a key named twice counts twice.',
  input: Type.Object({ keys: Keys }),
  output: Type.Object({ count: Count }),
  idempotent: true,
  examples: [{ input: { keys: ['session:abc'] } }],
  run: async ({ keys }, { client }) => ({ count: await client.exists(keys) }),
});

export const scan = defineRedisAction({
  title: 'Scan keys',
  description:
    "Lists keys matching a glob pattern one page at a time (SCAN). Start with cursor '0' and pass the returned cursor back until done is true; a page may be empty before the end. Keys come without the connection's keyPrefix. In cluster mode every master is scanned in turn.",
  input: Type.Object({
    pattern: Type.Optional(
      Type.String({ default: '*', description: 'Glob pattern (* ? [abc]); the keyPrefix is added' }),
    ),
    cursor: Type.Optional(
      Type.String({ default: '0', description: "'0' to start, then the cursor of the previous page" }),
    ),
    count: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 10_000, default: 100, description: 'Work per page (a hint)' }),
    ),
    type: Type.Optional(
      Type.String({ description: 'Only keys of this type: string, list, set, zset, hash, stream' }),
    ),
  }),
  output: Type.Object({
    cursor: Type.String({ description: "Pass back to get the next page; '0' when done" }),
    keys: Type.Array(Type.String()),
    done: Type.Boolean(),
  }),
  idempotent: true,
  examples: [{ title: 'First page of user keys', input: { pattern: 'user:*', cursor: '0', count: 100 } }],
  run: async ({ pattern = '*', cursor = '0', count = 100, type }, { client, signal }) => {
    signal.throwIfAborted();
    const prefix = keyPrefixOf(client);
    const match = `${escapeGlob(prefix)}${pattern}`;
    const page =
      client instanceof Cluster
        ? await scanCluster(client, cursor, match, count, type)
        : await scanNode(client, cursor, match, count, type);
    const keys = page.keys.filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
    return { cursor: page.cursor, keys, done: page.cursor === '0' };
  },
});

interface Page {
  readonly cursor: string;
  readonly keys: string[];
}

async function scanNode(
  client: RedisClient,
  cursor: string,
  match: string,
  count: number,
  type: string | undefined,
): Promise<Page> {
  if (!/^\d+$/.test(cursor))
    throw inputError(`scan: cursor '${cursor}' is not one this action returned`, '$.cursor');
  const args: (string | number)[] = [cursor, 'MATCH', match, 'COUNT', count];
  if (type !== undefined) args.push('TYPE', type);
  const [next, keys] = (await client.call('SCAN', ...args)) as [string, string[]];
  return { cursor: next, keys };
}

/** Cluster cursors are `<master index>:<cursor on that master>`, masters ordered by address. */
async function scanCluster(
  client: Cluster,
  cursor: string,
  match: string,
  count: number,
  type: string | undefined,
): Promise<Page> {
  const masters = client
    .nodes('master')
    .map((node) => ({ node, address: `${node.options.host}:${node.options.port}` }))
    .sort((a, b) => a.address.localeCompare(b.address));
  const parsed = cursor === '0' ? ['0', '0'] : cursor.split(':');
  const index = Number(parsed[0]);
  const nodeCursor = parsed[1] ?? '';
  const master = masters[index];
  if (parsed.length !== 2 || !Number.isInteger(index) || master === undefined || !/^\d+$/.test(nodeCursor)) {
    throw inputError(`scan: cursor '${cursor}' is not one this action returned`, '$.cursor');
  }
  const page = await scanNode(master.node, nodeCursor, match, count, type);
  if (page.cursor !== '0') return { cursor: `${index}:${page.cursor}`, keys: page.keys };
  return { cursor: index + 1 < masters.length ? `${index + 1}:0` : '0', keys: page.keys };
}

/** Escapes glob metacharacters so that a key prefix matches literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[\\*?[\]]/g, '\\$&');
}
