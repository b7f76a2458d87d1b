import { randomUUID } from 'node:crypto';
import { CANARY_SECRET, describeConformance } from '@connectorkit/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import redis from './index.js';
import { assertRedisRunning, deleteKeys, REDIS_URL } from './test-fixtures/redis-test-kit.js';

const keyPrefix = `ck-test:${randomUUID().slice(0, 8)}:`;
const raw = new Redis(REDIS_URL, { lazyConnect: true });

beforeAll(async () => {
  await assertRedisRunning();
  // Held by someone else for the whole run: a lock call that waits for it is the slow call.
  await raw.set(`${keyPrefix}held`, 'another-holder', 'PX', 60_000);
});
afterAll(async () => {
  await deleteKeys(raw, `${keyPrefix}*`);
  await raw.quit();
});

describeConformance({
  connector: redis,
  connection: { url: REDIS_URL, keyPrefix },
  // A user that does not exist: the shared server rejects it with WRONGPASS.
  badCredentials: { url: REDIS_URL, username: 'ck-conformance-nobody', password: CANARY_SECRET },
  failing: {
    action: 'xadd',
    input: { stream: 'absent', fields: { a: '1' }, noMkStream: true },
    code: 'NOT_FOUND',
  },
  slow: { action: 'lock', input: { key: 'held', ttlMs: 1_000, waitMs: 10_000 } },
  runExamples: true,
});
