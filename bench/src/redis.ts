import redis, { planClient, type RedisClient, RedisConnectionConfig } from '@connectorkit/connector-redis';
import { type ActionContext, compileValidator, createKit, Redacted, silentLogger } from '@connectorkit/core';
import { Redis } from 'ioredis';
import type { Benchmark } from './measure.js';

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONCURRENCY = 50;
/** Keys each worker cycles through, so that the data set stays small and in memory. */
const KEYS_PER_WORKER = 100;

/** Length of one measured slice; the sides take turns slice by slice within a round. */
const SLICE_MS = 100;

interface Tally {
  operations: number;
  milliseconds: number;
}

/**
 * Runs `operation` from `CONCURRENCY` workers for about `durationMs` (the same closed-loop
 * load for every side) and adds what it did to `tally`.
 */
async function run(
  operation: (worker: number, index: number) => Promise<unknown>,
  durationMs: number,
  tally: Tally,
): Promise<void> {
  const started = performance.now();
  const deadline = started + durationMs;
  let count = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let index = 0; performance.now() < deadline; index++) {
        await operation(worker, index);
        count++;
      }
    }),
  );
  tally.operations += count;
  tally.milliseconds += performance.now() - started;
}

const perSecond = (tally: Tally): number => tally.operations / (tally.milliseconds / 1000);

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/**
 * The ioredis client the connector would build for this connection: the same options
 * (no offline queue, no per-request retries, timeouts, reconnection, auto-pipelining), so
 * that the comparison measures the kit, not a difference in client settings.
 */
async function rawClient(autoPipelining: boolean): Promise<Redis> {
  const settings = compileValidator(RedisConnectionConfig).withDefaults({ autoPipelining }) as Omit<
    RedisConnectionConfig,
    'url'
  >;
  const plan = planClient({ ...settings, url: Redacted.make(URL) });
  if (plan.mode !== 'standalone')
    throw new Error(`bench redis: expected a standalone plan, got ${plan.mode}`);
  const client = new Redis(plan.options);
  await client.connect();
  return client;
}

/** What the kit would hand an action, made once: the direct calls pay for none of it per call. */
function directContext(client: RedisClient): ActionContext<RedisClient> {
  return {
    client,
    signal: new AbortController().signal,
    log: silentLogger,
    attempt: 1,
    invocationId: 'direct',
    connection: 'bench',
  };
}

interface Comparison {
  /** Medians over the rounds, in operations (each SET and each GET) per second. */
  readonly kit: number;
  readonly raw: number;
  readonly action: number;
  /** Medians of the per-round ratios: kit ÷ raw, action ÷ raw and kit ÷ action. */
  readonly ratio: number;
  readonly actionRatio: number;
  readonly kitVsActionRatio: number;
  readonly ratios: readonly number[];
}

/** The three ways of running set+get that a round compares, in turns. */
type Side = 'raw' | 'action' | 'kit';

/** Who goes first in a slice rotates, so that no side always follows the same one. */
const ORDERS: readonly (readonly Side[])[] = [
  ['raw', 'action', 'kit'],
  ['kit', 'raw', 'action'],
  ['action', 'kit', 'raw'],
];

async function compare(
  autoPipelining: boolean,
  options: { warmUpMs: number; durationMs: number; rounds: number; prefix: string },
  log: (line: string) => void,
): Promise<Comparison> {
  const { warmUpMs, durationMs, rounds, prefix } = options;
  const raw = await rawClient(autoPipelining);
  const kit = createKit({
    connectors: [redis],
    connections: { cache: { connector: 'redis', url: URL, autoPipelining } },
    logger: { level: 'silent' },
  });
  const label = autoPipelining ? 'auto-pipelined' : 'plain';
  try {
    const rawSetGet = async (worker: number, index: number) => {
      const key = `${prefix}raw:${worker}:${index % KEYS_PER_WORKER}`;
      await raw.set(key, 'value');
      await raw.get(key);
    };
    // The connector's own action functions called directly on the same client: what the
    // connector's code costs without the kit (no validation, deadline or invocation record).
    const context = directContext(raw);
    const { set, get } = redis.actions;
    const actionSetGet = async (worker: number, index: number) => {
      const key = `${prefix}action:${worker}:${index % KEYS_PER_WORKER}`;
      await set.run({ key, value: 'value' }, context);
      await get.run({ key }, context);
    };
    const kitSetGet = async (worker: number, index: number) => {
      const key = `${prefix}kit:${worker}:${index % KEYS_PER_WORKER}`;
      await kit.invoke('redis.set', { key, value: 'value' });
      await kit.invoke('redis.get', { key });
    };
    const operations: Record<Side, (worker: number, index: number) => Promise<void>> = {
      raw: rawSetGet,
      action: actionSetGet,
      kit: kitSetGet,
    };
    // Warm-up: connections, JIT and the server's key space, for every side.
    for (const side of ORDERS[0] as readonly Side[]) {
      await run(operations[side], warmUpMs, { operations: 0, milliseconds: 0 });
    }
    const results: Record<Side, number[]> = { raw: [], action: [], kit: [] };
    const ratios: number[] = [];
    const actionRatios: number[] = [];
    const kitVsActionRatios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // Within a round the sides take turns in short slices (who goes first rotates), so that
      // a busy moment of the machine hits all alike; the round's ratios compare them.
      const tallies: Record<Side, Tally> = {
        raw: { operations: 0, milliseconds: 0 },
        action: { operations: 0, milliseconds: 0 },
        kit: { operations: 0, milliseconds: 0 },
      };
      const slices = Math.max(1, Math.round(durationMs / SLICE_MS));
      for (let slice = 0; slice < slices; slice++) {
        for (const side of ORDERS[(round + slice) % ORDERS.length] as readonly Side[]) {
          await run(operations[side], SLICE_MS, tallies[side]);
        }
      }
      // Each worker iteration is two operations: one SET and one GET.
      const rawRate = perSecond(tallies.raw) * 2;
      const actionRate = perSecond(tallies.action) * 2;
      const kitRate = perSecond(tallies.kit) * 2;
      results.raw.push(rawRate);
      results.action.push(actionRate);
      results.kit.push(kitRate);
      ratios.push(kitRate / rawRate);
      actionRatios.push(actionRate / rawRate);
      kitVsActionRatios.push(kitRate / actionRate);
      log(
        `redis ${label} round ${round + 1}: raw ${Math.round(rawRate)} ops/s, action ${Math.round(actionRate)} ops/s, kit ${Math.round(kitRate)} ops/s, kit/raw ${(kitRate / rawRate).toFixed(3)}`,
      );
    }
    return {
      kit: median(results.kit),
      raw: median(results.raw),
      action: median(results.action),
      ratio: median(ratios),
      actionRatio: median(actionRatios),
      kitVsActionRatio: median(kitVsActionRatios),
      ratios,
    };
  } finally {
    try {
      let cursor = '0';
      do {
        const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await raw.del(...keys);
      } while (cursor !== '0');
    } finally {
      await kit.close();
      raw.disconnect();
    }
  }
}

const spread = (ratios: readonly number[]): string =>
  `${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}`;

export const redisBenchmark: Benchmark = {
  description: `redis set+get through kit.invoke vs raw ioredis (the connector's client options) and vs the connector's action functions called directly, ${CONCURRENCY} concurrent workers, with and without auto-pipelining`,
  run: async ({ quick, log }) => {
    const options = {
      warmUpMs: quick ? 200 : 1_000,
      durationMs: quick ? 200 : 1_000,
      rounds: quick ? 3 : 7,
      prefix: `ck-bench:${process.pid}:`,
    };
    const plain = await compare(false, options, log);
    const pipelined = await compare(true, options, log);
    return {
      name: 'redis',
      description: redisBenchmark.description,
      figures: {
        kitOpsPerSecond: Math.round(plain.kit),
        rawOpsPerSecond: Math.round(plain.raw),
        actionOpsPerSecond: Math.round(plain.action),
        kitPipelinedOpsPerSecond: Math.round(pipelined.kit),
        rawPipelinedOpsPerSecond: Math.round(pipelined.raw),
        actionPipelinedOpsPerSecond: Math.round(pipelined.action),
      },
      ratios: {
        kitVsRaw: Number(plain.ratio.toFixed(4)),
        kitVsRawPipelined: Number(pipelined.ratio.toFixed(4)),
        actionVsRaw: Number(plain.actionRatio.toFixed(4)),
        actionVsRawPipelined: Number(pipelined.actionRatio.toFixed(4)),
        kitVsAction: Number(plain.kitVsActionRatio.toFixed(4)),
        kitVsActionPipelined: Number(pipelined.kitVsActionRatio.toFixed(4)),
      },
      targets: { kitVsRaw: 0.9, kitVsRawPipelined: 0.9 },
      notes: [
        'ops counts each SET and each GET; figures are medians over the rounds',
        `ratios are the median of ${options.rounds} per-round ratios (each round ${options.durationMs} ms per side, in rotating ${SLICE_MS} ms slices) after a ${options.warmUpMs} ms warm-up of each; spread ${spread(plain.ratios)} plain, ${spread(pipelined.ratios)} pipelined`,
        'raw ioredis gets the options the connector builds for the same connection (planClient)',
        "action: the connector's set and get functions called directly on the raw client, without the kit (what the connector's own code costs); kitVsAction is what the kit adds on top",
        `server ${URL}`,
      ],
    };
  },
};
