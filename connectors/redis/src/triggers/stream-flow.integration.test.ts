import { randomUUID } from 'node:crypto';
import { createKit, type Kit } from '@connectorkit/core';
import { SAMPLE_VALID_TOKEN, SampleClient, sampleConnector } from '@connectorkit/core/testing';
import { createFlowRuntime, type FlowRun, type FlowRuntime, parseFlow } from '@connectorkit/flow';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import redis from '../index.js';
import { assertRedisRunning, deleteKeys, REDIS_URL, waitUntil } from '../test-fixtures/redis-test-kit.js';
import { DEAD_LETTER_FIELDS } from './stream.js';

// The stream trigger bound to flows by the flow runtime (what `ck start` runs): a failed run is
// retried with the flow's retry policy first; only an entry that still fails is dead-lettered.

let kit: Kit;
let runtime: FlowRuntime | undefined;
let raw: Redis;
let prefix: string;

beforeEach(async () => {
  await assertRedisRunning();
  SampleClient.reset();
  prefix = `ck-test:${randomUUID().slice(0, 8)}:`;
  raw = new Redis(REDIS_URL);
  kit = createKit({
    connectors: [redis, sampleConnector],
    connections: {
      cache: { connector: 'redis', url: REDIS_URL, keyPrefix: prefix },
      sample: { connector: 'sample', token: SAMPLE_VALID_TOKEN },
    },
    logger: { level: 'silent' },
  }) as unknown as Kit;
});

afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  await kit.close();
  await deleteKeys(raw, `${prefix}*`);
  await raw.quit();
});

/** A flow on `stream` whose one step fails `failures` times per entry, then succeeds. */
const flowOn = (name: string, stream: string, failures: number) =>
  parseFlow(
    `
name: ${name}
retry: { attempts: 3, backoff: { initialDelayMs: 1, maxDelayMs: 5 } }
on:
  trigger: redis.stream
  connection: cache
  config: { stream: ${stream}, group: workers, startId: '0', blockMs: 100 }
steps:
  - call: sample.flaky
    connection: sample
    with: { key: "= event.id", failures: ${failures} }
`,
    { catalog: kit.catalog() },
  );

describe('redis.stream under the flow runtime', () => {
  it('acknowledges an entry whose run succeeds within the retry policy, dead-letters one that never does', async () => {
    const recovered = await raw.xadd(`${prefix}orders`, '*', 'order', '1');
    const poison = await raw.xadd(`${prefix}poison`, '*', 'order', '2');
    const runs: FlowRun[] = [];
    runtime = createFlowRuntime({
      kit,
      flows: [flowOn('recovers', 'orders', 2), flowOn('gives-up', 'poison', 10)],
      onRun: (run) => void runs.push(run),
    });
    await runtime.start();

    const deadLetters = async () => raw.xrange(`${prefix}poison:dead-letter`, '-', '+');
    await waitUntil(
      async () => (await deadLetters()).length === 1,
      'the poison entry in the dead-letter stream',
    );
    await waitUntil(
      () => runs.filter((run) => run.flow === 'recovers' && run.status === 'succeeded').length === 1,
      'the recovered entry to succeed',
    );
    await runtime.stop();
    runtime = undefined;

    const statuses = (flow: string) => runs.filter((run) => run.flow === flow).map((run) => run.status);
    // Three tries each (the flow's retry policy): two failures then success, three failures.
    expect(statuses('recovers')).toEqual(['failed', 'failed', 'succeeded']);
    expect(statuses('gives-up')).toEqual(['failed', 'failed', 'failed']);
    // Both acknowledged; only the one that never succeeded was dead-lettered, with why-fields.
    for (const stream of ['orders', 'poison']) {
      const [pending] = (await raw.xpending(`${prefix}${stream}`, 'workers')) as [number, ...unknown[]];
      expect(pending).toBe(0);
    }
    expect(await raw.exists(`${prefix}orders:dead-letter`)).toBe(0);
    const [[, flat] = ['', []]] = await deadLetters();
    const fields = Object.fromEntries(
      Array.from({ length: flat.length / 2 }, (_, index) => [flat[2 * index], flat[2 * index + 1]]),
    );
    expect(fields).toMatchObject({
      order: '2',
      [DEAD_LETTER_FIELDS.sourceStream]: 'poison',
      [DEAD_LETTER_FIELDS.sourceId]: poison,
      [DEAD_LETTER_FIELDS.errorCode]: 'UNAVAILABLE',
    });
    // Every try of a flow was for the same entry: the retries are of the run, not redeliveries.
    const entries = (flow: string) =>
      new Set(runs.filter((run) => run.flow === flow).map((run) => (run.record.event as { id: string }).id));
    expect(entries('recovers')).toEqual(new Set([recovered]));
    expect(entries('gives-up')).toEqual(new Set([poison]));
  });
});
