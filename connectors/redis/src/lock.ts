import { randomUUID } from 'node:crypto';
import { sleep, Type } from '@connectorkit/core';
import { defineRedisAction } from './define-redis-action.js';
import { Key } from './schemas.js';

/** Deletes the lock only when it still holds the caller's token: a lock that expired and was taken by someone else is left alone. */
const RELEASE_IF_HOLDER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** Renews the lock's expiry only when it holds the caller's token. */
const RENEW_IF_HOLDER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export const lock = defineRedisAction({
  title: 'Acquire lock',
  description:
    'Acquires a distributed lock on a single Redis (SET key token NX PX ttlMs): at most one holder at a time until it unlocks or ttlMs passes. Waits up to waitMs for a busy lock, then answers acquired: false. Returns the token that unlock needs. Passing your own token makes a retry (or a renewal) by the same holder succeed and extend the expiry.',
  input: Type.Object({
    key: Key,
    ttlMs: Type.Integer({
      minimum: 1,
      description: 'The lock expires after this long unless released or renewed',
    }),
    token: Type.Optional(
      Type.String({ minLength: 1, description: 'Identifies the holder; a random UUID when omitted' }),
    ),
    waitMs: Type.Optional(
      Type.Integer({ minimum: 0, default: 0, description: 'How long to wait for a busy lock' }),
    ),
    retryDelayMs: Type.Optional(
      Type.Integer({ minimum: 1, default: 50, description: 'Pause between tries while waiting' }),
    ),
  }),
  output: Type.Union([
    Type.Object({
      acquired: Type.Literal(true),
      token: Type.String({ description: 'Pass it to unlock' }),
      ttlMs: Type.Integer(),
    }),
    Type.Object({ acquired: Type.Literal(false) }),
  ]),
  examples: [
    {
      title: 'Run a nightly job once',
      input: { key: 'lock:nightly-report', ttlMs: 60_000, waitMs: 0, retryDelayMs: 50 },
    },
  ],
  run: async ({ key, ttlMs, token: givenToken, waitMs = 0, retryDelayMs = 50 }, { client, signal }) => {
    const token = givenToken ?? randomUUID();
    const deadline = performance.now() + waitMs;
    for (;;) {
      signal.throwIfAborted();
      if ((await client.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') {
        return { acquired: true as const, token, ttlMs };
      }
      if (givenToken !== undefined && (await client.eval(RENEW_IF_HOLDER, 1, key, token, ttlMs)) === 1) {
        return { acquired: true as const, token, ttlMs };
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) return { acquired: false as const };
      // Jitter keeps contenders that started together from retrying in lockstep.
      await sleep(Math.min(remaining, retryDelayMs * (0.5 + Math.random())), signal);
    }
  },
});

export const unlock = defineRedisAction({
  title: 'Release lock',
  description:
    'Releases a lock taken with lock, only if it is still held with this token (checked and deleted atomically by a Lua script). released: false means the token is wrong or the lock already expired — possibly taken by another holder, whose lock is left alone.',
  input: Type.Object({
    key: Key,
    token: Type.String({ minLength: 1, description: 'The token lock returned' }),
  }),
  output: Type.Object({ released: Type.Boolean() }),
  idempotent: true,
  examples: [{ input: { key: 'lock:nightly-report', token: '6f1c…' } }],
  run: async ({ key, token }, { client }) => ({
    released: (await client.eval(RELEASE_IF_HOLDER, 1, key, token)) === 1,
  }),
});
