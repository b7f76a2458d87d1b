import { type ConnectionConfig, createKit } from '@connectorkit/core';
import { CANARY_SECRET, failureOf, secretLeaks } from '@connectorkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import redis from './index.js';
import { assertRedisRunning, OwnRedisServer } from './test-fixtures/redis-test-kit.js';

// A rejected password must not travel with the error the kit returns, however the caller prints
// it: not in the ioredis error kept as `cause`, nor in the command or client options it holds.

let server: OwnRedisServer;

beforeAll(async () => {
  await assertRedisRunning();
  server = await OwnRedisServer.start({ arguments: ['--requirepass', 'the-right-password'] });
});

afterAll(async () => server?.[Symbol.asyncDispose]());

function kitFor(connection: Readonly<Record<string, unknown>>) {
  return createKit({
    connectors: [redis],
    connections: { cache: { connector: 'redis', ...connection } as ConnectionConfig },
    logger: { level: 'silent' },
  });
}

describe.each([
  [
    'as the password field',
    (port: number) => ({ url: `redis://127.0.0.1:${port}`, password: CANARY_SECRET }),
  ],
  ['inside the url', (port: number) => ({ url: `redis://:${CANARY_SECRET}@127.0.0.1:${port}` })],
  [
    'with a user name',
    (port: number) => ({ url: `redis://127.0.0.1:${port}`, username: 'someone', password: CANARY_SECRET }),
  ],
])('a password the server rejects, given %s', (_label, connection) => {
  it('shows in no printed form of the error of an action', async () => {
    await using kit = kitFor(connection(server.port));
    const error = await failureOf(kit.invoke('redis.get', { key: 'k' }, { retry: false }));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
  });

  it('shows in no printed form of the error of the connection check', async () => {
    await using kit = kitFor(connection(server.port));
    const error = await failureOf(kit.check('cache'));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
  });
});
