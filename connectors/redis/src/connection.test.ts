import { ConnectorError, compileValidator, Redacted } from '@connectorkit/core';
import type { RedisOptions } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  parseRedisUrl,
  planClient,
  type RedisConnectionConfig,
  RedisConnectionConfig as Schema,
} from './connection.js';

/** A configuration as the kit hands it to connect: validated, defaults applied, secrets wrapped. */
function config(raw: Record<string, unknown>): RedisConnectionConfig {
  const validator = compileValidator(Schema);
  const prepared = validator.withDefaults(raw) as Record<string, unknown>;
  expect(validator.issues(prepared)).toEqual([]);
  for (const key of ['url', 'password', 'sentinelPassword']) {
    if (typeof prepared[key] === 'string') prepared[key] = Redacted.make(prepared[key]);
  }
  return prepared as unknown as RedisConnectionConfig;
}

function standalone(raw: Record<string, unknown>): RedisOptions {
  const plan = planClient(config(raw));
  if (plan.mode === 'cluster') throw new Error('expected a standalone plan');
  return plan.options;
}

function failure(run: () => unknown): ConnectorError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected a failure');
}

describe('parseRedisUrl', () => {
  it('reads host, port, credentials and database', () => {
    expect(parseRedisUrl('redis://app:s%40cret@cache.internal:6380/3')).toEqual({
      host: 'cache.internal',
      port: 6380,
      username: 'app',
      password: 's@cret',
      db: 3,
      tls: false,
    });
  });

  it('turns on TLS for rediss:// and accepts a password without user', () => {
    expect(parseRedisUrl('rediss://:only-password@[::1]')).toEqual({
      host: '::1',
      password: 'only-password',
      tls: true,
    });
  });

  it('rejects other schemes and bad paths without quoting the URL, which may hold a password', () => {
    for (const url of ['http://user:hunter22@host', 'not a url hunter22', 'redis://:hunter22@host/zero']) {
      const error = failure(() => parseRedisUrl(url));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.path).toBe('$.url');
      expect(error.message).not.toContain('hunter22');
    }
  });
});

describe('planClient', () => {
  it('fails fast while disconnected and keeps reconnecting in the background', () => {
    const options = standalone({});
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 6379,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 5_000,
    });
    const delays = [1, 2, 3, 10, 100, 10_000].map((attempt) => options.retryStrategy?.(attempt));
    expect(delays.every((delay) => typeof delay === 'number' && delay > 0 && delay <= 2_000)).toBe(true);
    expect(delays.at(-1)).toBe(2_000);
  });

  it('lets explicit fields override the parts of the url', () => {
    const options = standalone({
      url: 'redis://u:from-url@h:1/2',
      host: 'other',
      db: 5,
      password: 'explicit',
    });
    expect(options).toMatchObject({ host: 'other', port: 1, db: 5, username: 'u', password: 'explicit' });
  });

  it('passes the key prefix, TLS options and timeouts', () => {
    const options = standalone({
      host: 'h',
      keyPrefix: 'app:',
      tls: { rejectUnauthorized: false, servername: 'cache' },
      connectTimeoutMs: 1_000,
      reconnectMaxDelayMs: 300,
    });
    expect(options).toMatchObject({
      keyPrefix: 'app:',
      tls: { rejectUnauthorized: false, servername: 'cache' },
      connectTimeout: 1_000,
    });
    expect(options.retryStrategy?.(50)).toBe(300);
    expect(options.enableAutoPipelining).toBeUndefined();
    expect(standalone({ autoPipelining: true }).enableAutoPipelining).toBe(true);
    expect(standalone({ url: 'rediss://h' }).tls).toEqual({});
    expect(standalone({ url: 'rediss://h', tls: false }).tls).toBeUndefined();
  });

  it('plans Sentinel mode from sentinels and a master name', () => {
    const options = standalone({
      mode: 'sentinel',
      sentinels: [{ host: 's1', port: 26379 }],
      masterName: 'mymaster',
      password: 'master-secret',
      sentinelPassword: 'sentinel-secret',
      db: 1,
    });
    expect(options).toMatchObject({
      sentinels: [{ host: 's1', port: 26379 }],
      name: 'mymaster',
      password: 'master-secret',
      sentinelPassword: 'sentinel-secret',
      db: 1,
      enableOfflineQueue: false,
    });
    const error = failure(() =>
      planClient(config({ mode: 'sentinel', sentinels: [{ host: 's1', port: 1 }] })),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('masterName');
  });

  it('plans cluster mode from nodes, or from the url as the seed node', () => {
    const plan = planClient(
      config({ mode: 'cluster', nodes: [{ host: 'n1', port: 7000 }], keyPrefix: 'k:', password: 'p' }),
    );
    expect(plan.mode).toBe('cluster');
    if (plan.mode !== 'cluster') return;
    expect(plan.nodes).toEqual([{ host: 'n1', port: 7000 }]);
    expect(plan.options).toMatchObject({
      keyPrefix: 'k:',
      enableOfflineQueue: false,
      lazyConnect: true,
      redisOptions: { password: 'p', maxRetriesPerRequest: 0 },
    });
    expect(plan.options.clusterRetryStrategy?.(100)).toBe(2_000);
    const seeded = planClient(config({ mode: 'cluster', url: 'redis://n2:7001' }));
    expect(seeded.mode === 'cluster' && seeded.nodes).toEqual([{ host: 'n2', port: 7001 }]);
  });

  it('refuses settings that do not fit the mode, naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ mode: 'cluster', db: 2 }, '$.db'],
      [{ nodes: [{ host: 'n', port: 1 }] }, '$.nodes'],
      [{ sentinels: [{ host: 's', port: 1 }] }, '$.sentinels'],
      [{ mode: 'sentinel', masterName: 'm' }, '$.sentinels'],
    ];
    for (const [raw, path] of cases) {
      const error = failure(() => planClient(config(raw)));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.path).toBe(path);
    }
  });

  it('declares its credentials as secrets and refuses unknown fields', () => {
    const properties = Schema.properties as Record<string, Record<string, unknown>>;
    for (const key of ['url', 'password', 'sentinelPassword'])
      expect(properties[key]?.['x-secret']).toBe(true);
    const validator = compileValidator(Schema);
    expect(validator.issues(validator.withDefaults({ passwrod: 'x' }))).toEqual([
      { path: '$.passwrod', message: 'is not an allowed property' },
    ]);
  });
});
