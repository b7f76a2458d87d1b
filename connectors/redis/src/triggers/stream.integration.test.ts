import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ConnectorError, manifestOf, type RunningTrigger } from '@connectorkit/core';
import { failureOf } from '@connectorkit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import redis from '../index.js';
import { createTestKit, REDIS_URL, type TestKit, waitUntil } from '../test-fixtures/redis-test-kit.js';
import { DEAD_LETTER_FIELDS } from './stream.js';

let test: TestKit;
const running: RunningTrigger[] = [];
beforeAll(async () => {
  test = await createTestKit();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((trigger) => trigger.stop()));
  await test.clean();
});
afterAll(async () => test.close());

interface Handled {
  id: string;
  n: string;
  deliveries: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function add(stream: string, ...values: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const n of values) ids.push((await test.kit.invoke('redis.xadd', { stream, fields: { n } })).id);
  return ids;
}

async function start(
  config: Record<string, unknown>,
  handler: (event: { id: string; fields: Record<string, string>; deliveries: number }) => Promise<void>,
): Promise<RunningTrigger> {
  const trigger = await test.kit.startTrigger('redis.stream', { blockMs: 200, ...config }, { handler });
  running.push(trigger);
  return trigger;
}

/** Pending entries of a group, from the server. */
async function pendingCount(stream: string, group: string): Promise<number> {
  const summary = (await test.raw.xpending(`${test.prefix}${stream}`, group)) as [number, ...unknown[]];
  return summary[0];
}

describe('stream trigger (consumer group)', () => {
  it('declares at-least-once delivery', () => {
    expect(manifestOf(redis).triggers.stream?.delivery).toBe('at-least-once');
  });

  it('hands each entry to the flow in order and acknowledges it after success', async () => {
    const handled: Handled[] = [];
    await add('orders', 'before');
    await start({ stream: 'orders', group: 'billing', startId: '0' }, async (event) => {
      handled.push({ id: event.id, n: event.fields.n ?? '', deliveries: event.deliveries });
    });
    const ids = await add('orders', '1', '2', '3');
    await waitUntil(() => handled.length === 4, 'four entries');
    expect(handled.map(({ n }) => n)).toEqual(['before', '1', '2', '3']);
    expect(handled.slice(1).map(({ id }) => id)).toEqual(ids);
    expect(handled.every(({ deliveries }) => deliveries === 1)).toBe(true);
    await waitUntil(async () => (await pendingCount('orders', 'billing')) === 0, 'every entry acknowledged');
  });

  it("starts a new group at '$' by default: only entries added after the start", async () => {
    const handled: string[] = [];
    await add('feed', 'old');
    await start({ stream: 'feed', group: 'g' }, async (event) => void handled.push(event.fields.n ?? ''));
    await add('feed', 'new');
    await waitUntil(() => handled.length === 1, 'the new entry');
    await sleep(100);
    expect(handled).toEqual(['new']);
  });

  it('sends an entry whose flow failed to the dead-letter stream with why-fields, then acknowledges it', async () => {
    const handled: string[] = [];
    await start({ stream: 'payments', group: 'g', startId: '0' }, async (event) => {
      handled.push(event.fields.n ?? '');
      if (event.fields.n === 'poison') throw new ConnectorError('INVALID_INPUT', 'amount is negative');
    });
    const [, poisonId] = await add('payments', 'ok-1', 'poison', 'ok-2');
    await waitUntil(() => handled.length === 3, 'three entries');
    await waitUntil(
      async () => (await test.raw.xlen(`${test.prefix}payments:dead-letter`)) === 1,
      'a dead letter',
    );
    const { entries } = await test.kit.invoke('redis.xrange', { stream: 'payments:dead-letter' });
    expect(entries[0]?.fields).toMatchObject({
      n: 'poison',
      [DEAD_LETTER_FIELDS.sourceStream]: 'payments',
      [DEAD_LETTER_FIELDS.sourceId]: poisonId,
      [DEAD_LETTER_FIELDS.group]: 'g',
      [DEAD_LETTER_FIELDS.deliveries]: '1',
      [DEAD_LETTER_FIELDS.errorCode]: 'INVALID_INPUT',
      [DEAD_LETTER_FIELDS.errorMessage]: 'amount is negative',
    });
    expect(Date.parse(entries[0]?.fields[DEAD_LETTER_FIELDS.deadLetteredAt] ?? '')).toBeGreaterThan(0);
    await waitUntil(async () => (await pendingCount('payments', 'g')) === 0, 'everything acknowledged');
    expect(handled).toEqual(['ok-1', 'poison', 'ok-2']);
  });

  it('uses a configured dead-letter stream', async () => {
    await start(
      { stream: 's', group: 'g', startId: '0', deadLetterStream: 'failures', deadLetterMaxLen: 100 },
      async () => {
        throw new Error('always');
      },
    );
    await add('s', 'x');
    await waitUntil(async () => (await test.raw.xlen(`${test.prefix}failures`)) === 1, 'the dead letter');
  });

  it('stop() ends the blocking read at once when idle', async () => {
    const trigger = await start({ stream: 'idle', group: 'g', blockMs: 30_000 }, async () => undefined);
    await sleep(100);
    const started = Date.now();
    await trigger.stop();
    // Far below the 30 s block: the read was interrupted, not waited out.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stop() lets the entry in progress finish and acknowledges it', async () => {
    let release: (() => void) | undefined;
    const finished: string[] = [];
    const trigger = await start({ stream: 'slow', group: 'g', startId: '0' }, async (event) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      finished.push(event.fields.n ?? '');
    });
    await add('slow', 'a');
    // Wait for the flow to have started, not only for the read: an entry read but not yet
    // handed to a flow when stop() comes stays pending for redelivery, by design.
    await waitUntil(async () => release !== undefined, 'the entry in progress');
    let stopped = false;
    const stopping = trigger.stop().then(() => {
      stopped = true;
    });
    await sleep(100);
    expect(stopped).toBe(false);
    release?.();
    await stopping;
    expect(finished).toEqual(['a']);
    expect(await pendingCount('slow', 'g')).toBe(0);
  });

  it('leaves an entry whose flow fails during stop pending for redelivery, not dead-lettered', async () => {
    let started = false;
    let fail: (error: Error) => void = () => undefined;
    const trigger = await start(
      { stream: 'stopping', group: 'g', startId: '0' },
      () =>
        new Promise<void>((_resolve, reject) => {
          started = true;
          fail = reject;
        }),
    );
    await add('stopping', 'a');
    await waitUntil(async () => started, 'the entry in progress');
    const stopping = trigger.stop();
    fail(new ConnectorError('CANCELLED', 'the flow was cancelled by the shutdown'));
    await stopping;
    expect(await pendingCount('stopping', 'g')).toBe(1);
    expect(await test.raw.exists(`${test.prefix}stopping:dead-letter`)).toBe(0);
  });

  it('takes over entries a dead consumer left pending, once they are idle for claimIdleMs', async () => {
    await test.kit.invoke('redis.xadd', { stream: 'jobs', fields: { n: 'seed' } });
    await test.raw.xgroup('CREATE', `${test.prefix}jobs`, 'g', '0');
    await add('jobs', 'a', 'b');
    // A consumer that reads and dies: its entries stay pending.
    await test.raw.xreadgroup('GROUP', 'g', 'ghost', 'COUNT', 10, 'STREAMS', `${test.prefix}jobs`, '>');
    expect(await pendingCount('jobs', 'g')).toBe(3);
    const handled: Handled[] = [];
    await start({ stream: 'jobs', group: 'g', claimIdleMs: 200 }, async (event) => {
      handled.push({ id: event.id, n: event.fields.n ?? '', deliveries: event.deliveries });
    });
    await waitUntil(() => handled.length === 3, 'the abandoned entries');
    expect(handled.map(({ n }) => n).sort()).toEqual(['a', 'b', 'seed']);
    expect(handled.every(({ deliveries }) => deliveries === 2)).toBe(true);
    await waitUntil(async () => (await pendingCount('jobs', 'g')) === 0, 'everything acknowledged');
  });

  it('dead-letters an entry delivered more than maxDeliveries times without calling the flow', async () => {
    await test.raw.xgroup('CREATE', `${test.prefix}crashy`, 'g', '0', 'MKSTREAM');
    await add('crashy', 'kills-consumers');
    for (let delivery = 0; delivery < 3; delivery++) {
      await test.raw.xreadgroup(
        'GROUP',
        'g',
        'ghost',
        'STREAMS',
        `${test.prefix}crashy`,
        delivery === 0 ? '>' : '0',
      );
    }
    const handled: string[] = [];
    await start({ stream: 'crashy', group: 'g', claimIdleMs: 50, maxDeliveries: 3 }, async (event) => {
      handled.push(event.fields.n ?? '');
    });
    await waitUntil(
      async () => (await test.raw.xlen(`${test.prefix}crashy:dead-letter`)) === 1,
      'the dead letter',
    );
    const { entries } = await test.kit.invoke('redis.xrange', { stream: 'crashy:dead-letter' });
    expect(entries[0]?.fields).toMatchObject({ n: 'kills-consumers', [DEAD_LETTER_FIELDS.deliveries]: '4' });
    expect(entries[0]?.fields[DEAD_LETTER_FIELDS.errorMessage]).toContain('maxDeliveries');
    expect(handled).toEqual([]);
    expect(await pendingCount('crashy', 'g')).toBe(0);
  });

  it('handles up to `concurrency` entries at a time', async () => {
    let active = 0;
    let peak = 0;
    let done = 0;
    await add('parallel', ...Array.from({ length: 9 }, (_, index) => String(index)));
    await start({ stream: 'parallel', group: 'g', startId: '0', batchSize: 9, concurrency: 3 }, async () => {
      active++;
      peak = Math.max(peak, active);
      await sleep(50);
      active--;
      done++;
    });
    await waitUntil(() => done === 9, 'nine entries');
    expect(peak).toBe(3);
  });

  it('fails to start with NOT_FOUND when the group is missing and createGroup is false', async () => {
    const error = await test.kit
      .startTrigger(
        'redis.stream',
        { stream: 'nowhere', group: 'g', createGroup: false },
        { handler: async () => undefined },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('createGroup') });
  });

  it('names a missing group on an existing stream NOT_FOUND, and a stream key of another type CONFLICT', async () => {
    await test.raw.xadd(`${test.prefix}groupless`, '*', 'a', '1');
    const missing = await failureOf(
      test.kit.startTrigger(
        'redis.stream',
        { stream: 'groupless', group: 'g', createGroup: false },
        { handler: async () => undefined },
      ),
    );
    expect(missing).toMatchObject({ code: 'NOT_FOUND', path: '$.group' });
    await test.raw.set(`${test.prefix}not-a-stream`, 'text');
    const wrongType = await failureOf(
      test.kit.startTrigger(
        'redis.stream',
        { stream: 'not-a-stream', group: 'g' },
        { handler: async () => undefined },
      ),
    );
    expect(wrongType).toMatchObject({ code: 'CONFLICT', vendorCode: 'WRONGTYPE' });
    expect(wrongType.message).toMatch(
      /^redis\.stream: could not prepare consumer group 'g' on stream 'not-a-stream' — Redis replied: WRONGTYPE/,
    );
  });

  it('removes its consumer from the group on stop when it holds nothing', async () => {
    const trigger = await start({ stream: 'tidy', group: 'g', consumer: 'replica-1' }, async () => undefined);
    await sleep(50);
    await trigger.stop();
    const consumers = (await test.raw.call('XINFO', 'CONSUMERS', `${test.prefix}tidy`, 'g')) as unknown[];
    expect(consumers).toEqual([]);
  });
});

describe('a consumer killed with SIGKILL in the middle of an entry', () => {
  const fixture = fileURLToPath(new URL('../test-fixtures/stream-consumer.mjs', import.meta.url));
  const built = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
  });

  it('loses nothing: another consumer finishes its pending entries, the heartbeat kept them while it lived', async () => {
    if (!existsSync(built)) throw new Error(`${built} is missing — build the package first (npm run build)`);
    const values = Array.from({ length: 10 }, (_, index) => String(index + 1));
    await add('work', ...values);

    // First consumer: its own process; hangs on entry 4 (entry 5 of its batch waits behind it).
    const childEvents: { started?: string; finished?: string }[] = [];
    child = spawn(process.execPath, [fixture, REDIS_URL, test.prefix, 'work', 'g', 'doomed', '300', '4'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (line.startsWith('{')) childEvents.push(JSON.parse(line) as { started?: string; finished?: string });
    });
    await waitUntil(
      () => childEvents.some((event) => event.started === '4'),
      'the child to hang on entry 4',
      30_000,
    );
    expect(childEvents.filter((event) => event.finished).map((event) => event.finished)).toEqual([
      '1',
      '2',
      '3',
    ]);

    // Second consumer, in this process: reads the rest. While the first lives, its heartbeat
    // keeps entries 4 and 5 from looking abandoned.
    const handled: Handled[] = [];
    await start(
      { stream: 'work', group: 'g', consumer: 'rescuer', claimIdleMs: 300, batchSize: 5 },
      async (event) => {
        handled.push({ id: event.id, n: event.fields.n ?? '', deliveries: event.deliveries });
      },
    );
    await waitUntil(() => handled.length === 5, 'entries 6 to 10');
    await sleep(900);
    expect(handled.map(({ n }) => n).sort()).toEqual(['10', '6', '7', '8', '9']);

    // Kill the first consumer mid-entry: no chance to acknowledge, nor to clean up.
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await waitUntil(() => handled.length === 7, 'entries 4 and 5 taken over', 15_000);

    const taken = handled.filter(({ n }) => n === '4' || n === '5');
    expect(taken.map(({ n }) => n).sort()).toEqual(['4', '5']);
    expect(taken.every(({ deliveries }) => deliveries >= 2)).toBe(true);
    const everyone = new Set([
      ...childEvents.filter((event) => event.finished !== undefined).map((event) => event.finished),
      ...handled.map(({ n }) => n),
    ]);
    expect([...everyone].sort()).toEqual([...values].sort());
    await waitUntil(async () => (await pendingCount('work', 'g')) === 0, 'nothing left pending');
  }, 60_000);
});
