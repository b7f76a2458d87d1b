import { inspect } from 'node:util';
import { type ConnectionConfig, ConnectorError, createKit, type LogRecord } from '@connectorkit/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import redis from './index.js';
import {
  assertRedisRunning,
  freePort,
  OwnRedisServer,
  REDIS_URL,
  waitUntil,
} from './test-fixtures/redis-test-kit.js';

const CANARY = 'ck-canary-7d3e91-redis-password';

function kitFor(connection: Omit<ConnectionConfig, 'connector'>, logs: LogRecord[] = []) {
  return createKit({
    connectors: [redis],
    connections: { cache: { connector: 'redis', ...connection } },
    logger: { level: 'debug', sink: (record: LogRecord) => logs.push(record) },
  });
}

/** Every way an error can be shown, along its cause chain. */
function texts(error: unknown): string[] {
  const all = [inspect(error, { depth: 10 }), String(error), JSON.stringify(error)];
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    all.push(current.message, current.stack ?? '', JSON.stringify(current));
  }
  return all;
}

async function failureOf(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

beforeAll(assertRedisRunning);

describe('connecting', () => {
  it('passes the connection check', async () => {
    await using kit = kitFor({ url: REDIS_URL });
    expect(await kit.check('cache')).toMatchObject({ ok: true, connector: 'redis' });
  });

  it('fails fast with UNAVAILABLE when nothing listens, naming host and port', async () => {
    const port = await freePort();
    await using kit = kitFor({ host: '127.0.0.1', port });
    const started = Date.now();
    const error = await failureOf(kit.invoke('redis.get', { key: 'k' }, { retry: false }));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses a wrong url with INVALID_CONFIG without echoing it', async () => {
    await using kit = kitFor({ url: `http://user:${CANARY}@example.com` });
    const error = await failureOf(kit.check('cache'));
    expect(error.code).toBe('INVALID_CONFIG');
    for (const text of texts(error)) expect(text).not.toContain(CANARY);
  });
});

describe('credentials', () => {
  let server: OwnRedisServer;
  beforeAll(async () => {
    server = await OwnRedisServer.start({ arguments: ['--requirepass', 'the-right-password'] });
  });
  afterAll(async () => server?.[Symbol.asyncDispose]());

  it('connects with the right password, given as a field or in the url', async () => {
    await using byField = kitFor({ url: server.url, password: 'the-right-password' });
    await byField.invoke('redis.set', { key: 'k', value: 'v' });
    await using byUrl = kitFor({ url: `redis://:the-right-password@127.0.0.1:${server.port}` });
    expect(await byUrl.invoke('redis.get', { key: 'k' })).toEqual({ value: 'v' });
  });

  it("connects as an ACL user, given as fields or in the url, with only that user's rights", async () => {
    const admin = new Redis(server.port, '127.0.0.1', { password: 'the-right-password' });
    try {
      await admin.call(
        'ACL',
        'SETUSER',
        'reporter',
        'on',
        '>reporter-password',
        '~report:*',
        '+@read',
        '+@write',
        '+ping',
      );
    } finally {
      admin.disconnect();
    }
    await using byFields = kitFor({ url: server.url, username: 'reporter', password: 'reporter-password' });
    await byFields.invoke('redis.set', { key: 'report:1', value: 'ok' });
    await using byUrl = kitFor({ url: `redis://reporter:reporter-password@127.0.0.1:${server.port}` });
    expect(await byUrl.invoke('redis.get', { key: 'report:1' })).toEqual({ value: 'ok' });
    // Outside the user's key pattern: Redis refuses, and the kit says FORBIDDEN.
    expect((await failureOf(byUrl.invoke('redis.get', { key: 'secret:1' }))).code).toBe('FORBIDDEN');
  });

  it('uses the database of the url or of db', async () => {
    await using byUrl = kitFor({ url: `redis://:the-right-password@127.0.0.1:${server.port}/3` });
    await byUrl.invoke('redis.set', { key: 'where', value: 'db3' });
    await using byField = kitFor({ url: server.url, password: 'the-right-password', db: 5 });
    await byField.invoke('redis.set', { key: 'where', value: 'db5' });
    const raw = new Redis(server.port, '127.0.0.1', { password: 'the-right-password' });
    try {
      expect(await raw.get('where')).toBeNull();
      await raw.select(3);
      expect(await raw.get('where')).toBe('db3');
      await raw.select(5);
      expect(await raw.get('where')).toBe('db5');
    } finally {
      raw.disconnect();
    }
  });

  it('fails with AUTH when the password is missing, saying how to fix it', async () => {
    await using kit = kitFor({ url: server.url });
    const error = await failureOf(kit.invoke('redis.get', { key: 'k' }));
    expect(error.code).toBe('AUTH');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('NOAUTH');
    expect(error.message).toContain('password');
  });

  it.each([
    ['as the password field', (port: number) => ({ url: `redis://127.0.0.1:${port}`, password: CANARY })],
    ['inside the url', (port: number) => ({ url: `redis://:${CANARY}@127.0.0.1:${port}` })],
    [
      'with a user name',
      (port: number) => ({ url: `redis://127.0.0.1:${port}`, username: 'someone', password: CANARY }),
    ],
  ])(
    'never shows a rejected password %s: not in message, stack, JSON, inspect or logs',
    async (_label, connection) => {
      const logs: LogRecord[] = [];
      await using kit = kitFor(connection(server.port), logs);
      const checked = await failureOf(kit.check('cache'));
      const invoked = await failureOf(kit.invoke('redis.get', { key: 'k' }));
      for (const error of [checked, invoked]) {
        expect(error.code).toBe('AUTH');
        for (const text of texts(error)) expect(text).not.toContain(CANARY);
      }
      expect(JSON.stringify(logs)).not.toContain(CANARY);
    },
  );
});

describe('a server that goes away and comes back', () => {
  it('fails fast with UNAVAILABLE while it is down, then works again in the same kit', async () => {
    await using server = await OwnRedisServer.start();
    const logs: LogRecord[] = [];
    await using kit = kitFor({ url: server.url, reconnectMaxDelayMs: 100 }, logs);
    await kit.invoke('redis.set', { key: 'k', value: 'before' });

    const stream: string[] = [];
    const consumer = await kit.startTrigger(
      'redis.stream',
      { stream: 'events', group: 'workers', startId: '0', blockMs: 200 },
      { handler: async (event) => void stream.push(event.fields.n ?? '') },
    );
    const messages: string[] = [];
    const subscriber = await kit.startTrigger(
      'redis.message',
      { channels: ['news'] },
      { handler: async (event) => void messages.push(event.message) },
    );

    await server.kill();
    for (const [name, input] of [
      ['redis.get', { key: 'k' }],
      ['redis.incr', { key: 'n' }],
    ] as const) {
      const started = Date.now();
      const error = await failureOf(kit.invokeDynamic(name, input, { retry: false }));
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.retryable).toBe(true);
      // Fails fast: no offline queue, no waiting for a reconnect.
      expect(Date.now() - started).toBeLessThan(2_000);
    }
    // Even with the kit's retries (idempotent get: 3 attempts), the caller is not kept waiting.
    const started = Date.now();
    expect((await failureOf(kit.invoke('redis.get', { key: 'k' }))).code).toBe('UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await failureOf(kit.check('cache'))).code).toBe('UNAVAILABLE');

    await server.start();
    await waitUntil(
      () =>
        kit.invoke('redis.set', { key: 'k', value: 'after' }, { retry: false }).then(
          () => true,
          () => false,
        ),
      'the kit to reconnect',
      5_000,
    );
    expect(await kit.invoke('redis.get', { key: 'k' })).toEqual({ value: 'after' });
    expect(await kit.check('cache')).toMatchObject({ ok: true });

    // The triggers came back too: the stream consumer recreated its group on the empty server,
    // the subscriber resubscribed.
    await waitUntil(async () => {
      await kit.invoke('redis.xadd', { stream: 'events', fields: { n: '1' } });
      return stream.length > 0;
    }, 'the stream trigger to consume after the restart');
    await waitUntil(async () => {
      await kit.invoke('redis.publish', { channel: 'news', message: 'back' });
      return messages.length > 0;
    }, 'the message trigger to resubscribe after the restart');
    await consumer.stop();
    await subscriber.stop();
    expect(
      logs.some((line) => line.level === 'warn' && /reconnecting in the background/.test(line.message)),
    ).toBe(true);
  });
});

describe('TLS', () => {
  it('connects to a TLS-only server with rediss:// and the CA, and refuses a certificate it cannot trust', async () => {
    await using server = await OwnRedisServer.start({ tls: true });
    const url = `rediss://127.0.0.1:${server.port}`;
    await using trusting = kitFor({ url, tls: { ca: server.ca ?? '' } });
    await trusting.invoke('redis.set', { key: 'k', value: 'over TLS' });
    expect(await trusting.invoke('redis.get', { key: 'k' })).toEqual({ value: 'over TLS' });
    await using byField = kitFor({ url: `redis://127.0.0.1:${server.port}`, tls: { ca: server.ca ?? '' } });
    expect(await byField.invoke('redis.get', { key: 'k' })).toEqual({ value: 'over TLS' });
    // The system CAs do not know the test CA: a clear, typed refusal, not a hang.
    await using untrusting = kitFor({ url, connectTimeoutMs: 2_000 });
    const refused = await failureOf(untrusting.invoke('redis.get', { key: 'k' }));
    expect(refused).toMatchObject({
      code: 'AUTH',
      retryable: false,
      vendorCode: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expect(refused.message).toContain('TLS certificate is not trusted');
  });
});

describe('a server that hangs (stopped, or behind a network partition)', () => {
  it('fails the waiting call after silenceTimeoutMs and later ones at once, then works again', async () => {
    await using server = await OwnRedisServer.start();
    await using kit = kitFor({ url: server.url, silenceTimeoutMs: 1_000, reconnectMaxDelayMs: 100 });
    await kit.invoke('redis.set', { key: 'k', value: 'before' });
    server.pause();
    try {
      // The connection stays open and says nothing: only the silence shows that it is dead.
      let started = Date.now();
      const waiting = await failureOf(kit.invoke('redis.get', { key: 'k' }, { retry: false }));
      expect(waiting).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
      // Well before the kit's own 30 s deadline.
      expect(Date.now() - started).toBeLessThan(5_000);
      started = Date.now();
      const next = await failureOf(kit.invoke('redis.incr', { key: 'n' }, { retry: false }));
      expect(next).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      server.resume();
    }
    await waitUntil(
      () =>
        kit.invoke('redis.get', { key: 'k' }, { retry: false }).then(
          ({ value }) => value === 'before',
          () => false,
        ),
      'the kit to reconnect to the resumed server',
      10_000,
    );
  });

  it('does not retry a conditional write whose reply was lost: it may have been applied', async () => {
    await using server = await OwnRedisServer.start();
    await using kit = kitFor({ url: server.url, silenceTimeoutMs: 500, reconnectMaxDelayMs: 100 });
    await kit.invoke('redis.set', { key: 'doc', value: '{}' });
    server.pause();
    try {
      // Sent, then the connection fell silent: set nx may have written, so trying it again
      // could answer written: false for the caller's own write.
      const [conditional, json] = await Promise.all([
        failureOf(kit.invoke('redis.set', { key: 'owner', value: 'me', nx: true })),
        failureOf(kit.invoke('redis.jsonSet', { key: 'doc', value: { a: 1 }, xx: true })),
      ]);
      expect(conditional).toMatchObject({ code: 'UNAVAILABLE', retryable: false });
      expect(conditional.message).toContain(
        'not retried: a conditional write (nx, xx, get) may already have been applied',
      );
      expect(json).toMatchObject({ code: 'UNAVAILABLE', retryable: false });
      // Not sent at all (the connection is down now): safe to try again, so still retryable.
      const unsent = await failureOf(
        kit.invoke('redis.set', { key: 'owner', value: 'me', nx: true }, { retry: false }),
      );
      expect(unsent).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
      // A plain set is idempotent: retryable either way.
      const plain = await failureOf(kit.invoke('redis.set', { key: 'plain', value: 'v' }, { retry: false }));
      expect(plain).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    } finally {
      server.resume();
    }
  });

  it('keeps a blocking read of the stream trigger open past silenceTimeoutMs', async () => {
    await using server = await OwnRedisServer.start();
    await using kit = kitFor({ url: server.url, silenceTimeoutMs: 300 });
    const seen: string[] = [];
    const consumer = await kit.startTrigger(
      'redis.stream',
      { stream: 'quiet', group: 'g', blockMs: 2_000 },
      { handler: async (event) => void seen.push(event.fields.n ?? '') },
    );
    try {
      // Blocked for longer than the silence allowed on the shared connection.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await kit.invoke('redis.xadd', { stream: 'quiet', fields: { n: '1' } });
      await waitUntil(() => seen.length === 1, 'the entry through the blocking read');
      // One reader all along: the blocking connection was never dropped and reopened.
      const probe = new Redis(server.port);
      try {
        const clients = String(await probe.call('CLIENT', 'LIST'));
        const readers = clients.split('\n').filter((line) => line.includes('cmd=xreadgroup'));
        expect(readers).toHaveLength(1);
        // Connected for a second or more: older than any silence timeout would have let it get.
        expect(Number(/ age=(\d+)/.exec(` ${readers[0]}`)?.[1])).toBeGreaterThanOrEqual(1);
      } finally {
        probe.disconnect();
      }
    } finally {
      await consumer.stop();
    }
  });
});

describe('cluster mode', () => {
  it('works against a (single-node) Redis Cluster, with the key prefix and per-slot rules', async () => {
    await using server = await OwnRedisServer.start({
      arguments: [
        '--cluster-enabled',
        'yes',
        '--cluster-announce-ip',
        '127.0.0.1',
        '--cluster-config-file',
        'nodes.conf',
      ],
    });
    const admin = new Redis(server.port, '127.0.0.1');
    try {
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      await waitUntil(
        async () => /cluster_state:ok/.test(String(await admin.call('CLUSTER', 'INFO'))),
        'cluster state ok',
      );
    } finally {
      admin.disconnect();
    }
    await using kit = kitFor({
      mode: 'cluster',
      nodes: [{ host: '127.0.0.1', port: server.port }],
      keyPrefix: 'app:',
    });
    await kit.invoke('redis.set', { key: 'a', value: '1' });
    expect(await kit.invoke('redis.get', { key: 'a' })).toEqual({ value: '1' });
    await kit.invoke('redis.mset', {
      entries: { '{user:1}:name': 'Ada', '{user:1}:email': 'ada@example.com' },
    });
    expect((await failureOf(kit.invoke('redis.mget', { keys: ['a', 'b'] }))).code).toBe('INVALID_INPUT');
    const scanned = await kit.invoke('redis.scan', { count: 1000 });
    expect(scanned.done).toBe(true);
    expect(new Set(scanned.keys)).toEqual(new Set(['a', '{user:1}:name', '{user:1}:email']));
    expect(
      await kit.invoke('redis.transaction', {
        commands: [
          { command: 'INCR', args: ['{cart}:n'] },
          { command: 'INCR', args: ['{cart}:n'] },
        ],
      }),
    ).toMatchObject({ failed: 0, results: [{ value: 1 }, { value: 2 }] });
    expect((await kit.invoke('redis.lock', { key: 'lock:x', ttlMs: 1_000 })).acquired).toBe(true);
  });
});

describe('sentinel mode', () => {
  it('finds the master through a Sentinel', async () => {
    await using master = await OwnRedisServer.start();
    await using sentinel = await OwnRedisServer.start({
      config: `sentinel monitor primary 127.0.0.1 ${master.port} 1\n`,
      arguments: ['--sentinel'],
    });
    await using kit = kitFor({
      mode: 'sentinel',
      sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
      masterName: 'primary',
    });
    await kit.invoke('redis.set', { key: 'k', value: 'via sentinel' });
    const direct = new Redis(master.port, '127.0.0.1');
    try {
      expect(await direct.get('k')).toBe('via sentinel');
    } finally {
      direct.disconnect();
    }
    await using lost = kitFor({
      mode: 'sentinel',
      sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
      masterName: 'no-such-group',
      connectTimeoutMs: 500,
    });
    const error = await failureOf(lost.check('cache'));
    expect(['UNAVAILABLE', 'TIMEOUT']).toContain(error.code);
  });
});
