import redis, { planClient, RedisConnectionConfig } from '@connectorkit/connector-redis';
import { compileValidator, createKit, Redacted } from '@connectorkit/core';
import { Redis } from 'ioredis';
import type { Benchmark } from './measure.js';

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONCURRENCY = 50;
/** Keys each worker cycles through, so that the data set stays small and in memory. */
const KEYS_PER_WORKER = 100;

/** Length of one measured slice; the two sides alternate slice by slice within a round. */
const SLICE_MS = 100;

interface Tally {
  operations: number;
  milliseconds: number;
}

/**
 * Runs `operation` from `CONCURRENCY` workers for about `durationMs` (the same closed-loop
 * load for the kit and for raw ioredis) and adds what it did to `tally`.
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

interface Comparison {
  /** Medians over the rounds, in operations (each SET and each GET) per second. */
  readonly kit: number;
  readonly raw: number;
  /** Median of the per-round kit ÷ raw ratios. */
  readonly ratio: number;
  readonly ratios: readonly number[];
}

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
    const kitSetGet = async (worker: number, index: number) => {
      const key = `${prefix}kit:${worker}:${index % KEYS_PER_WORKER}`;
      await kit.invoke('redis.set', { key, value: 'value' });
      await kit.invoke('redis.get', { key });
    };
    // Warm-up: connections, JIT and the server's key space, for both sides.
    await run(rawSetGet, warmUpMs, { operations: 0, milliseconds: 0 });
    await run(kitSetGet, warmUpMs, { operations: 0, milliseconds: 0 });
    const rawResults: number[] = [];
    const kitResults: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // Within a round the two sides take turns in short slices (who goes first alternates), so
      // that a busy moment of the machine hits both alike; the round's ratio compares the two.
      const raw: Tally = { operations: 0, milliseconds: 0 };
      const kit: Tally = { operations: 0, milliseconds: 0 };
      const slices = Math.max(1, Math.round(durationMs / SLICE_MS));
      for (let slice = 0; slice < slices; slice++) {
        if ((round + slice) % 2 === 0) {
          await run(rawSetGet, SLICE_MS, raw);
          await run(kitSetGet, SLICE_MS, kit);
        } else {
          await run(kitSetGet, SLICE_MS, kit);
          await run(rawSetGet, SLICE_MS, raw);
        }
      }
      // Each worker iteration is two operations: one SET and one GET.
      const rawRate = perSecond(raw) * 2;
      const kitRate = perSecond(kit) * 2;
      rawResults.push(rawRate);
      kitResults.push(kitRate);
      ratios.push(kitRate / rawRate);
      log(
        `redis ${label} round ${round + 1}: raw ${Math.round(rawRate)} ops/s, kit ${Math.round(kitRate)} ops/s, ratio ${(kitRate / rawRate).toFixed(3)}`,
      );
    }
    return { kit: median(kitResults), raw: median(rawResults), ratio: median(ratios), ratios };
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
  description: `redis set+get through kit.invoke vs raw ioredis (the connector's client options), ${CONCURRENCY} concurrent workers, with and without auto-pipelining`,
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
        kitPipelinedOpsPerSecond: Math.round(pipelined.kit),
        rawPipelinedOpsPerSecond: Math.round(pipelined.raw),
      },
      ratios: {
        kitVsRaw: Number(plain.ratio.toFixed(4)),
        kitVsRawPipelined: Number(pipelined.ratio.toFixed(4)),
      },
      targets: { kitVsRaw: 0.9, kitVsRawPipelined: 0.9 },
      notes: [
        'ops counts each SET and each GET; figures are medians over the rounds',
        `ratios are the median of ${options.rounds} per-round ratios (each round ${options.durationMs} ms per side, in alternating ${SLICE_MS} ms slices) after a ${options.warmUpMs} ms warm-up of each; spread ${spread(plain.ratios)} plain, ${spread(pipelined.ratios)} pipelined`,
        'raw ioredis gets the options the connector builds for the same connection (planClient)',
        `server ${URL}`,
      ],
    };
  },
};
