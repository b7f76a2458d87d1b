import { randomUUID } from 'node:crypto';
import kafka from '@connectorkit/connector-kafka';
import { type AnyConnectorDefinition, createKit, type Kit } from '@connectorkit/core';
import { compileFlow, createFlowRuntime, defineFlow } from '@connectorkit/flow';
import { Kafka, logLevel } from 'kafkajs';
import type { Benchmark } from './measure.js';

async function loadConnector(): Promise<AnyConnectorDefinition> {
  return kafka;
}

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
/** Messages per produce call, the same for `invoke` and the raw producer. */
const BATCH = 100;
/** A ~120-byte JSON value, sent as a string by both sides. */
const VALUE = JSON.stringify({
  id: 'order-000000',
  customer: 'c-42',
  total: 99.5,
  items: ['a', 'b', 'c'],
  note: 'x'.repeat(40),
});
/** Consumer settings shared by the trigger and the raw consumer. */
const CONSUMER = {
  sessionTimeout: 10_000,
  heartbeatInterval: 1_000,
  rebalanceTimeout: 10_000,
  maxWaitTimeInMs: 100,
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

function batchOf(round: number, call: number) {
  return Array.from({ length: BATCH }, (_, index) => ({ key: `k${round}-${call}-${index}`, value: VALUE }));
}

/**
 * Messages per second of two senders whose calls alternate (one call in flight) for about
 * `durationMs`: both meet the same broker at the same moment, so its hiccups hit both alike.
 */
async function produceRates(
  raw: (call: number) => Promise<unknown>,
  invoke: (call: number) => Promise<unknown>,
  durationMs: number,
): Promise<{ raw: number; invoke: number }> {
  let rawMs = 0;
  let invokeMs = 0;
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    const first = calls % 2 === 0;
    for (const side of first ? ['raw', 'invoke'] : ['invoke', 'raw']) {
      const before = performance.now();
      await (side === 'raw' ? raw(calls) : invoke(calls));
      if (side === 'raw') rawMs += performance.now() - before;
      else invokeMs += performance.now() - before;
    }
    calls++;
  }
  return { raw: (calls * BATCH) / (rawMs / 1000), invoke: (calls * BATCH) / (invokeMs / 1000) };
}

/** Messages per second from the first message handled to the `total`-th. */
function consumeClock(total: number): { tick: () => void; done: Promise<number> } {
  let count = 0;
  let first = 0;
  let finish: (rate: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });
  return {
    tick: () => {
      if (count === 0) first = performance.now();
      if (++count === total) finish(total / ((performance.now() - first) / 1000));
    },
    done,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`bench kafka: ${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export const kafkaBenchmark: Benchmark = {
  description:
    "produce msgs/s through kit.invoke('kafka.produce') vs raw kafkajs producer.send (same batches of 100); consume msgs/s through the kafka.message trigger (no-op handler, and bound to a no-op flow) vs a raw kafkajs eachMessage consumer",
  run: async ({ quick, log }) => {
    const connector = await loadConnector();
    const kafka = new Kafka({ brokers: BROKERS, clientId: 'connectorkit-bench', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer();
    const kit = createKit({
      connectors: [connector],
      connections: { events: { connector: 'kafka', brokers: BROKERS, clientId: 'connectorkit-bench' } },
      logger: { level: 'error' },
    }) as unknown as Kit;
    const run = randomUUID().slice(0, 8);
    const produceTopic = `ck-bench-produce-${run}`;
    const consumeTopic = `ck-bench-consume-${run}`;
    const rounds = quick ? 1 : 5;
    const produceMs = quick ? 500 : 2_000;
    const consumeTotal = quick ? 20_000 : 200_000;
    try {
      try {
        await admin.connect();
      } catch (error) {
        throw new Error(
          `no Kafka broker at ${BROKERS.join(', ')} (${(error as Error).message}) — run \`scripts/services/kafka start\``,
        );
      }
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          { topic: produceTopic, numPartitions: 1 },
          { topic: consumeTopic, numPartitions: 3 },
        ],
      });
      await producer.connect();

      // Produce: the two sides' calls alternate, after a warm-up (JIT, connections, log segment).
      const rawProduce: number[] = [];
      const invokeProduce: number[] = [];
      const sendRaw = (round: number) => (call: number) =>
        producer.send({ topic: produceTopic, acks: -1, messages: batchOf(round, call) });
      const sendInvoke = (round: number) => (call: number) =>
        kit.invokeDynamic('kafka.produce', {
          topic: produceTopic,
          acks: 'all',
          messages: batchOf(round, call),
        });
      await produceRates(sendRaw(-1), sendInvoke(-1), 300);
      for (let round = 0; round < rounds; round++) {
        const rates = await produceRates(sendRaw(round), sendInvoke(round), produceMs);
        rawProduce.push(rates.raw);
        invokeProduce.push(rates.invoke);
        log(
          `produce round ${round + 1}: raw ${Math.round(rates.raw)}/s, invoke ${Math.round(rates.invoke)}/s`,
        );
      }

      // Consume: the same backlog, read from the start by a new group each time.
      for (let sent = 0; sent < consumeTotal; sent += 1_000) {
        await producer.send({
          topic: consumeTopic,
          messages: Array.from({ length: 1_000 }, (_, index) => ({ key: `k${sent + index}`, value: VALUE })),
        });
      }
      const triggerConfig = (groupId: string) => ({
        groupId,
        topics: [consumeTopic],
        fromBeginning: true,
        sessionTimeoutMs: CONSUMER.sessionTimeout,
        heartbeatIntervalMs: CONSUMER.heartbeatInterval,
        rebalanceTimeoutMs: CONSUMER.rebalanceTimeout,
        maxWaitTimeMs: CONSUMER.maxWaitTimeInMs,
      });
      const rawConsume: number[] = [];
      const triggerConsume: number[] = [];
      const rawConsumeRound = async (round: number): Promise<number> => {
        const clock = consumeClock(consumeTotal);
        const consumer = kafka.consumer({ groupId: `ck-bench-raw-${run}-${round}`, ...CONSUMER });
        await consumer.connect();
        await consumer.subscribe({ topics: [consumeTopic], fromBeginning: true });
        await consumer.run({ eachMessage: async () => clock.tick() });
        try {
          return await withTimeout(clock.done, 120_000, 'the raw consumer');
        } finally {
          await consumer.disconnect();
        }
      };
      const triggerConsumeRound = async (round: number): Promise<number> => {
        const clock = consumeClock(consumeTotal);
        const trigger = await kit.startTriggerDynamic(
          'kafka.message',
          triggerConfig(`ck-bench-trigger-${run}-${round}`),
          { handler: async () => clock.tick() },
        );
        try {
          return await withTimeout(clock.done, 120_000, 'the trigger');
        } finally {
          await trigger.stop();
        }
      };
      // What `ck start` runs: the trigger bound to a flow (no steps) by the flow runtime.
      const flowConsume: number[] = [];
      const flowConsumeRound = async (round: number): Promise<number> => {
        const clock = consumeClock(consumeTotal);
        const flow = compileFlow(
          defineFlow({
            name: 'bench-noop',
            on: [{ trigger: 'kafka.message', config: triggerConfig(`ck-bench-flow-${run}-${round}`) }],
            steps: [],
          }),
          { catalog: kit.catalog() },
        );
        const runtime = createFlowRuntime({ kit, flows: [flow], onRun: () => clock.tick() });
        await runtime.start();
        try {
          return await withTimeout(clock.done, 120_000, 'the flow');
        } finally {
          await runtime.stop();
        }
      };
      const sides = [
        async (round: number) => rawConsume.push(await rawConsumeRound(round)),
        async (round: number) => triggerConsume.push(await triggerConsumeRound(round)),
        async (round: number) => flowConsume.push(await flowConsumeRound(round)),
      ];
      for (let round = 0; round < rounds; round++) {
        // Who goes first rotates, so that a slow start of the broker hits each side alike.
        for (let turn = 0; turn < sides.length; turn++) await sides[(round + turn) % sides.length]?.(round);
        log(
          `consume round ${round + 1}: raw ${Math.round(rawConsume[round] ?? 0)}/s, trigger ${Math.round(triggerConsume[round] ?? 0)}/s, flow ${Math.round(flowConsume[round] ?? 0)}/s`,
        );
      }

      const produceInvoke = median(invokeProduce);
      const produceRaw = median(rawProduce);
      const consumeTrigger = median(triggerConsume);
      const consumeRaw = median(rawConsume);
      const consumeFlow = median(flowConsume);
      return {
        name: 'kafka',
        description: kafkaBenchmark.description,
        figures: {
          produceInvokePerSecond: Math.round(produceInvoke),
          produceRawPerSecond: Math.round(produceRaw),
          consumeTriggerPerSecond: Math.round(consumeTrigger),
          consumeRawPerSecond: Math.round(consumeRaw),
          consumeFlowPerSecond: Math.round(consumeFlow),
        },
        ratios: {
          produceInvokeVsRaw: Number((produceInvoke / produceRaw).toFixed(4)),
          consumeTriggerVsRaw: Number((consumeTrigger / consumeRaw).toFixed(4)),
          consumeFlowVsRaw: Number((consumeFlow / consumeRaw).toFixed(4)),
        },
        targets: { produceInvokeVsRaw: 0.9, consumeTriggerVsRaw: 0.9, consumeFlowVsRaw: 0.9 },
        notes: [
          `broker ${BROKERS.join(', ')}; ${rounds} round(s), medians; target ratio ≥ 0.9 on each`,
          `produce: one call in flight, raw and invoke calls alternating, ${BATCH} messages of ${VALUE.length} bytes per call, acks all, 1 partition`,
          `consume: ${consumeTotal.toLocaleString('en')} messages on 3 partitions from the first message to the last, new group each round; raw = eachMessage with autoCommit; trigger = kafka.message with a no-op handler; flow = kafka.message bound to a flow without steps by the flow runtime (what ck start runs), one run per message`,
        ],
      };
    } finally {
      await kit.close();
      await producer.disconnect().catch(() => undefined);
      await admin.deleteTopics({ topics: [produceTopic, consumeTopic] }).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  },
};
