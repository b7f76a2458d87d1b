import { ConnectorError, type Static, Type } from '@connectorkit/core';
import type { ChainableCommander } from 'ioredis';
import { keyPrefixOf } from '../connection.js';
import { defineRedisAction } from '../define-redis-action.js';
import { toRedisError } from '../error-mapping.js';
import { inputError } from '../input-error.js';

const Command = Type.Object({
  command: Type.String({
    pattern: '^[A-Za-z][A-Za-z0-9_.|-]*$',
    description: 'Command name, e.g. SET or HINCRBY',
  }),
  args: Type.Optional(
    Type.Array(Type.Union([Type.String(), Type.Number()]), {
      default: [],
      description: 'Arguments; key arguments get the connection keyPrefix',
    }),
  ),
});

const Commands = Type.Array(Command, { minItems: 1, maxItems: 10_000 });

const CommandResult = Type.Object({
  ok: Type.Boolean(),
  value: Type.Optional(Type.Unknown({ description: 'The reply, when ok' })),
  error: Type.Optional(
    Type.Object(
      { code: Type.String(), message: Type.String() },
      { description: 'Why it failed, when not ok' },
    ),
  ),
});

const Results = Type.Object({
  results: Type.Array(CommandResult, { description: 'One per command, in order' }),
  failed: Type.Integer({ minimum: 0, description: 'How many commands failed' }),
});

/**
 * Commands that would break the shared connection for everyone else: blocking ones hold it,
 * subscriptions and MONITOR change its mode, SELECT/AUTH/HELLO/CLIENT change its state, and
 * transaction control belongs to the transaction action.
 */
const REFUSED = new Map<string, string>([
  ...[
    'blpop',
    'brpop',
    'brpoplpush',
    'blmove',
    'blmpop',
    'bzpopmin',
    'bzpopmax',
    'bzmpop',
    'xread',
    'xreadgroup',
    'wait',
    'waitaof',
  ].map((name) => [name, 'it blocks the shared connection — use the stream trigger for XREADGROUP'] as const),
  ...['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'monitor'].map(
    (name) => [name, 'it switches the connection into a special mode — use the message trigger'] as const,
  ),
  ...['select', 'auth', 'hello', 'client', 'reset', 'quit', 'shutdown'].map(
    (name) => [name, 'it changes the state of the shared connection'] as const,
  ),
  ...['multi', 'exec', 'discard', 'watch', 'unwatch'].map(
    (name) => [name, 'transactions are made by the transaction action'] as const,
  ),
  ...['sync', 'psync'].map(
    (name) => [name, 'it turns the shared connection into a replication stream'] as const,
  ),
  ...['replicaof', 'slaveof', 'failover'].map(
    (name) => [name, "it changes the server's role, not data — run it from redis-cli"] as const,
  ),
]);

/** Commands whose key follows a subcommand: ioredis cannot add the keyPrefix to it. */
const KEY_AFTER_SUBCOMMAND = new Set(['xgroup', 'xinfo', 'object', 'memory']);

/** Commands that reach keys beyond the connection's keyPrefix (ioredis prefixes none of what they touch). */
const BEYOND_PREFIX = new Map<string, string>([
  ['keys', 'it lists keys outside the keyPrefix — use the scan action'],
  ['scan', 'it lists keys outside the keyPrefix — use the scan action'],
  ['randomkey', 'it picks from keys outside the keyPrefix'],
  ['flushdb', 'it deletes keys outside the keyPrefix'],
  ['flushall', 'it deletes keys outside the keyPrefix'],
  ['swapdb', 'it moves keys outside the keyPrefix'],
]);

/** SORT's BY and GET patterns name other keys, which ioredis does not prefix. */
function sortsByPattern(name: string, args: readonly (string | number)[]): boolean {
  return (
    (name === 'sort' || name === 'sort_ro') &&
    args.some((arg) => typeof arg === 'string' && /^(by|get)$/i.test(arg))
  );
}

type CommandInput = { command: string; args?: (string | number)[] };

function checkCommands(commands: readonly CommandInput[], action: string, keyPrefix: string): void {
  for (const [index, { command, args = [] }] of commands.entries()) {
    const name = command.toLowerCase();
    const reason = REFUSED.get(name) ?? (keyPrefix === '' ? undefined : prefixProblem(name, args));
    if (reason !== undefined) {
      throw inputError(
        `${action}: ${command.toUpperCase()} is not allowed here: ${reason}`,
        `$.commands[${index}].command`,
      );
    }
  }
}

/** Why a command cannot keep to the connection's keyPrefix, if it cannot. */
function prefixProblem(name: string, args: readonly (string | number)[]): string | undefined {
  if (KEY_AFTER_SUBCOMMAND.has(name)) {
    return `the connection's keyPrefix cannot be added to its key — use a connection without keyPrefix`;
  }
  if (sortsByPattern(name, args)) return 'its BY and GET patterns name keys outside the keyPrefix';
  return BEYOND_PREFIX.get(name);
}

function queue(batch: ChainableCommander, commands: readonly CommandInput[]): void {
  for (const { command, args = [] } of commands) batch.call(command, ...args);
}

function toResults(replies: [error: Error | null, result: unknown][]): Static<typeof Results> {
  let failed = 0;
  const results = replies.map(([error, value]): Static<typeof CommandResult> => {
    if (error === null) return { ok: true, value: toJsonValue(value) };
    failed++;
    const mapped = toRedisError(error);
    return { ok: false, error: { code: mapped.code, message: mapped.message } };
  });
  return { results, failed };
}

/** Replies as JSON: buffers as UTF-8 text, nested errors as `{ error }`. */
function toJsonValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Error) return { error: value.message };
  if (Array.isArray(value)) return value.map(toJsonValue);
  return value;
}

export const pipeline = defineRedisAction({
  title: 'Pipeline',
  description:
    'Sends a list of commands in one round trip (pipelining), not atomically: each command succeeds or fails on its own, and results says which. Blocking, subscribe and connection-state commands are refused.',
  input: Type.Object({ commands: Commands }),
  output: Results,
  examples: [
    {
      input: {
        commands: [
          { command: 'INCR', args: ['visits'] },
          { command: 'EXPIRE', args: ['visits', 3600] },
        ],
      },
    },
  ],
  run: async ({ commands }, { client, signal }) => {
    checkCommands(commands, 'pipeline', keyPrefixOf(client));
    const batch = client.pipeline();
    queue(batch, commands);
    signal.throwIfAborted();
    return toResults((await batch.exec()) ?? []);
  },
});

export const transaction = defineRedisAction({
  title: 'Transaction',
  description:
    'Runs a list of commands atomically with MULTI/EXEC: no other client sees a state in between. If Redis rejects a command while queueing (unknown command, wrong arguments) nothing runs and the action fails with INVALID_INPUT; a command failing while running (WRONGTYPE) does not undo the others — results says which failed.',
  input: Type.Object({ commands: Commands }),
  output: Results,
  examples: [
    {
      title: 'Move stock atomically',
      input: {
        commands: [
          { command: 'DECRBY', args: ['stock:warehouse', 5] },
          { command: 'INCRBY', args: ['stock:shop', 5] },
        ],
      },
    },
  ],
  run: async ({ commands }, { client, signal }) => {
    checkCommands(commands, 'transaction', keyPrefixOf(client));
    const batch = client.multi();
    queue(batch, commands);
    signal.throwIfAborted();
    const replies = await batch.exec();
    if (replies === null) throw new ConnectorError('CONFLICT', 'transaction: EXEC was aborted; nothing ran');
    return toResults(replies);
  },
});
